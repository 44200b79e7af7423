/**
 * Value converters on bytes: the common, clean forms of each column type are checked and
 * written as JSON straight from the input bytes. Anything else (an escape needed, a value
 * that may be invalid, a non-canonical date-time) returns false and goes to the string
 * converter (`schemas/convert.ts`), which decides: these must never accept what it rejects,
 * nor write other bytes than it would (tests/processors/csvEquivalence.test.ts checks).
 */
import { jsonString } from '../schemas/convert.js';
import type { Column } from '../schemas/types.js';
import type { ByteOutput } from './byteOutput.js';

/** Writes the JSON of a non-empty value `bytes[start..end)` and returns true, or returns false (not written). */
export type ByteConverter = (bytes: Buffer, start: number, end: number, out: ByteOutput, ascii: boolean) => boolean;

const QUOTE = 34;
const BACKSLASH = 92;
const ZERO = 48;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= ZERO && byte <= ZERO + 9;
const digitAt = (bytes: Buffer, at: number): number => (bytes[at] ?? 0) - ZERO;
const twoDigits = (bytes: Buffer, at: number): number => digitAt(bytes, at) * 10 + digitAt(bytes, at + 1);

/** No byte JSON must escape: a quote, a backslash or a control character. */
const plainText = (bytes: Buffer, start: number, end: number): boolean => {
  for (let at = start; at < end; at++) {
    const byte = bytes[at] ?? 0;
    if (byte < 0x20 || byte === QUOTE || byte === BACKSLASH) return false;
  }
  return true;
};

const quoted = (bytes: Buffer, start: number, end: number, out: ByteOutput): true => {
  out.byte(QUOTE);
  out.bytes(bytes, start, end);
  out.byte(QUOTE);
  return true;
};

const stringBytes = ({ maxLength, pattern }: Extract<Column, { type: 'string' }>): ByteConverter => {
  // Columns with a pattern (currency, country) mostly repeat one value: remember the last match, skip the regex.
  const matched = Buffer.alloc(32);
  let matchedLength = -1;
  const sameAsMatched = (bytes: Buffer, start: number, end: number): boolean => {
    if (end - start !== matchedLength) return false;
    for (let at = 0; at < matchedLength; at++) if (bytes[start + at] !== matched[at]) return false;
    return true;
  };
  return function stringFromBytes(bytes, start, end, out, ascii) {
    // The byte count bounds the length in UTF-16 units from above; only a longer value needs counting.
    if (maxLength !== undefined && end - start > maxLength) return false;
    if (!plainText(bytes, start, end)) return false;
    if (pattern !== undefined && !sameAsMatched(bytes, start, end)) {
      if (!pattern.test(bytes.toString(ascii ? 'latin1' : 'utf8', start, end))) return false;
      matchedLength = end - start <= matched.length ? bytes.copy(matched, 0, start, end) : -1;
    }
    return quoted(bytes, start, end, out);
  };
};

/** Up to 15 digits: exact as a double, so the range check and `String(n)` match `Number(value)`. */
const integerBytes = ({ min, max }: Extract<Column, { type: 'integer' }>): ByteConverter =>
  function integerFromBytes(bytes, start, end, out) {
    const sign = bytes[start];
    const first = sign === PLUS || sign === MINUS ? start + 1 : start;
    if (end - first < 1 || end - first > 15) return false;
    let n = 0;
    for (let at = first; at < end; at++) {
      const digit = digitAt(bytes, at);
      if (digit < 0 || digit > 9) return false;
      n = n * 10 + digit;
    }
    const value = sign === MINUS ? -n : n;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) return false;
    out.ascii(String(value));
    return true;
  };

const decimalBytes = ({ scale, min, max }: Extract<Column, { type: 'decimal' }>): ByteConverter =>
  function decimalFromBytes(bytes, start, end, out) {
    const sign = bytes[start];
    let intStart = sign === PLUS || sign === MINUS ? start + 1 : start;
    let pos = intStart;
    while (pos < end && isDigit(bytes[pos])) pos++;
    const intEnd = pos;
    if (intEnd - intStart < 1 || intEnd - intStart > 30) return false;
    if (pos < end) {
      if (bytes[pos] !== DOT) return false;
      pos++;
      const fractionStart = pos;
      while (pos < end && isDigit(bytes[pos])) pos++;
      const fraction = pos - fractionStart;
      if (pos !== end || fraction < 1 || fraction > 30 || (scale !== undefined && fraction > scale)) return false;
    }
    // Non-negative values pass `min <= 0` with no max without parsing; anything else is compared as `Number` would.
    const inRangeByLook = sign !== MINUS && max === undefined && (min === undefined || min <= 0);
    if (!inRangeByLook && (min !== undefined || max !== undefined)) {
      const n = Number(bytes.toString('latin1', start, end));
      if ((min !== undefined && n < min) || (max !== undefined && n > max)) return false;
    }
    if (sign === MINUS) out.byte(MINUS);
    while (intStart < intEnd - 1 && bytes[intStart] === ZERO) intStart++;
    out.bytes(bytes, intStart, end);
    return true;
  };

const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9] as const;

/** Same rule as `isCalendarDate` in schemas/convert.ts, on bytes. */
const isCalendarDate = (bytes: Buffer, at: number): boolean => {
  for (const offset of DATE_DIGITS) if (!isDigit(bytes[at + offset])) return false;
  if (bytes[at + 4] !== MINUS || bytes[at + 7] !== MINUS) return false;
  const year = twoDigits(bytes, at) * 100 + twoDigits(bytes, at + 2);
  const month = twoDigits(bytes, at + 5);
  const day = twoDigits(bytes, at + 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
};

const dateBytes = (): ByteConverter =>
  function dateFromBytes(bytes, start, end, out) {
    return end - start === 10 && isCalendarDate(bytes, start) && quoted(bytes, start, end, out);
  };

const byteIs = (bytes: Buffer, at: number, char: string): boolean => bytes[at] === char.charCodeAt(0);

/** `YYYY-MM-DDTHH:MM:SSZ` or `…SS.sssZ` in UTC, what `toISOString` writes (once the date is real). */
const isCanonicalUtc = (bytes: Buffer, at: number, length: number): boolean => {
  if (length !== 20 && length !== 24) return false;
  if (!byteIs(bytes, at + 10, 'T') || !byteIs(bytes, at + 13, ':') || !byteIs(bytes, at + 16, ':') || !byteIs(bytes, at + length - 1, 'Z')) return false;
  for (const offset of [11, 12, 14, 15, 17, 18]) if (!isDigit(bytes[at + offset])) return false;
  if (twoDigits(bytes, at + 11) > 23 || digitAt(bytes, at + 14) > 5 || digitAt(bytes, at + 17) > 5) return false;
  if (length === 24 && !(byteIs(bytes, at + 19, '.') && isDigit(bytes[at + 20]) && isDigit(bytes[at + 21]) && isDigit(bytes[at + 22]))) return false;
  return isCalendarDate(bytes, at);
};

const MILLIS = Buffer.from('.000Z');

const datetimeBytes = (): ByteConverter =>
  function datetimeFromBytes(bytes, start, end, out) {
    if (!isCanonicalUtc(bytes, start, end - start)) return false;
    if (end - start === 24) return quoted(bytes, start, end, out);
    out.byte(QUOTE);
    out.bytes(bytes, start, end - 1);
    out.bytes(MILLIS, 0, MILLIS.length);
    out.byte(QUOTE);
    return true;
  };

const enumBytes = ({ values }: Extract<Column, { type: 'enum' }>): ByteConverter => {
  const choices = values.map((value) => ({ bytes: Buffer.from(value), json: Buffer.from(jsonString(value)) }));
  return function enumFromBytes(bytes, start, end, out) {
    const length = end - start;
    for (const choice of choices) {
      if (choice.bytes.length !== length) continue;
      let same = true;
      for (let at = 0; at < length && same; at++) same = bytes[start + at] === choice.bytes[at];
      if (same) {
        out.bytes(choice.json, 0, choice.json.length);
        return true;
      }
    }
    return false;
  };
};

const never: ByteConverter = () => false;

/** The byte converter of a column; `boolean` (rare, case-insensitive) always takes the string path. */
export const byteConverterFor = (column: Column): ByteConverter => {
  switch (column.type) {
    case 'string':
      return stringBytes(column);
    case 'integer':
      return integerBytes(column);
    case 'decimal':
      return decimalBytes(column);
    case 'date':
      return dateBytes();
    case 'datetime':
      return datetimeBytes();
    case 'enum':
      return enumBytes(column);
    case 'boolean':
      return never;
  }
};
