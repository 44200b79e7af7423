/**
 * Reading and writing ASCII text in byte arrays, for the byte-level ALB path: compare, find,
 * copy, and decimal numbers read and written without a string in between.
 */
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const DASH = 0x2d;
export const DOT = 0x2e;
export const COLON = 0x3a;
export const SLASH = 0x2f;
export const QUESTION = 0x3f;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const ZERO = 0x30;
export const TILDE = 0x7e;
export const Z = 0x5a;

/** Integers of up to 15 digits are exact doubles; longer ones are left to `Number()`. */
export const MAX_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_DIGITS + 1 }, (_, i) => 10 ** i);
const EXACT_LIMIT = 10 ** MAX_DIGITS;

const writeText = (text: string, to: Uint8Array, at: number): number => {
  for (let i = 0; i < text.length; i++) to[at + i] = text.charCodeAt(i);
  return at + text.length;
};

export const latin1Bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');

export const copy = (from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): number => {
  let pos = at;
  for (let i = start; i < end; i++) to[pos++] = from[i] as number;
  return pos;
};

export const copyAll = (from: Uint8Array, to: Uint8Array, at: number): number => copy(from, 0, from.length, to, at);

/** A field's bytes in `[start, end)`; `-` or empty is `null` (`orNull`). */
export const isMissing = (line: Uint8Array, start: number, end: number): boolean => end === start || (end === start + 1 && line[start] === DASH);

export const equalsAt = (line: Uint8Array, start: number, end: number, text: Uint8Array): boolean => {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (line[start + i] !== text[i]) return false;
  return true;
};

export const indexIn = (line: Uint8Array, byte: number, start: number, end: number): number => {
  for (let i = start; i < end; i++) if (line[i] === byte) return i;
  return -1;
};

/** Decimal digits → their value; -1 when not all digits or too long for an exact double. */
export const digitsValue = (line: Uint8Array, start: number, end: number): number => {
  if (end === start || end - start > MAX_DIGITS) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = (line[i] as number) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
};

/**
 * `-?digits(.digits)?` → the double `Number()` gives (an exact integer over a power of ten is
 * correctly rounded, as `Number()` is); NaN for any other form, left to the general path.
 */
export const decimalValue = (line: Uint8Array, start: number, end: number): number => {
  const negative = line[start] === DASH;
  const from = negative ? start + 1 : start;
  const dot = indexIn(line, DOT, from, end);
  const whole = digitsValue(line, from, dot === -1 ? end : dot);
  if (whole === -1) return Number.NaN;
  if (dot === -1) return negative ? -whole : whole;
  const fraction = digitsValue(line, dot + 1, end);
  const scale = end - dot - 1;
  if (fraction === -1 || end - from - 1 > MAX_DIGITS) return Number.NaN;
  const value = (whole * (POWERS_OF_TEN[scale] as number) + fraction) / (POWERS_OF_TEN[scale] as number);
  return negative ? -value : value;
};

/** `String(value)` of a non-negative integer, written as bytes; beyond 15 digits through `String`. */
export const writeInteger = (value: number, to: Uint8Array, at: number): number => {
  if (value >= EXACT_LIMIT) return writeText(String(value), to, at);
  let length = 1;
  while (length < MAX_DIGITS && value >= (POWERS_OF_TEN[length] as number)) length++;
  let rest = value;
  for (let i = at + length - 1; i >= at; i--) {
    const tens = Math.floor(rest / 10);
    to[i] = ZERO + rest - tens * 10;
    rest = tens;
  }
  return at + length;
};

/**
 * `String(thousandths / 1000)` for a non-negative integer `thousandths`: below 10^15 the decimal
 * with its trailing zeros dropped is the shortest text of that double (15 significant digits
 * always round-trip), which is what `String` writes.
 */
export const writeThousandths = (thousandths: number, to: Uint8Array, at: number): number => {
  if (thousandths >= EXACT_LIMIT) return writeText(String(thousandths / 1000), to, at);
  const whole = Math.floor(thousandths / 1000);
  let fraction = thousandths - whole * 1000;
  let pos = writeInteger(whole, to, at);
  if (fraction === 0) return pos;
  to[pos++] = DOT;
  for (let unit = 100; fraction > 0; unit /= 10) {
    const digit = Math.floor(fraction / unit);
    to[pos++] = ZERO + digit;
    fraction -= digit * unit;
  }
  return pos;
};
