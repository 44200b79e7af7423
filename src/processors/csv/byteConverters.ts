/**
 * Value converters on bytes: the common forms of each column type are checked and written as
 * JSON straight from the input bytes, escapes included (the record is known to be valid UTF-8,
 * so its bytes are copied as they are). Anything else (a value that may be invalid, a rare
 * date-time form) returns false and goes to the string converter (`schemas/convert.ts`), which
 * decides: these must never accept what it rejects, nor write other bytes than it would
 * (tests/processors/csvEquivalence.test.ts checks).
 */
import { jsonString } from '../schemas/convert.js';
import type { Column } from '../schemas/types.js';
import type { ByteOutput } from './byteOutput.js';

/**
 * Writes the JSON of a non-empty value `bytes[start..end)` and returns true, or returns false
 * (nothing written). `pairs`: the value is the inside of a quoted field with `""` in it, each
 * standing for one quote; only string columns take such values, the others return false.
 */
export type ByteConverter = (bytes: Buffer, start: number, end: number, out: ByteOutput, ascii: boolean, pairs: boolean) => boolean;

const QUOTE = 34;
const BACKSLASH = 92;
const ZERO = 48;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const COLON = 58;

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= ZERO && byte <= ZERO + 9;
const digitAt = (bytes: Buffer, at: number): number => (bytes[at] ?? 0) - ZERO;
const twoDigits = (bytes: Buffer, at: number): number => digitAt(bytes, at) * 10 + digitAt(bytes, at + 1);

/** What `JSON.stringify` writes for each control character: the short escapes, else `\u00xx`. */
const CONTROL_ESCAPES = Array.from({ length: 0x20 }, (_, code) => Buffer.from(JSON.stringify(String.fromCharCode(code)).slice(1, -1)));

const EMPTY = Buffer.alloc(0);

/**
 * Writes `bytes[start..end)` as a JSON string, escaped as `JSON.stringify` escapes it (quote,
 * backslash, control characters; valid UTF-8 needs nothing else), in one pass. Room for the
 * worst case (6 bytes per byte) is reserved by the caller.
 */
const writeJsonString = (bytes: Buffer, start: number, end: number, out: ByteOutput, pairs: boolean): void => {
  const buffer = out.buffer;
  let pos = out.pos;
  buffer[pos++] = QUOTE;
  for (let at = start; at < end; at++) {
    const byte = bytes[at] ?? 0;
    if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) {
      buffer[pos++] = byte;
    } else if (byte >= 0x20) {
      if (pairs && byte === QUOTE) at++; // the second quote of `""`
      buffer[pos++] = BACKSLASH;
      buffer[pos++] = byte;
    } else {
      const escaped = CONTROL_ESCAPES[byte] ?? EMPTY;
      for (let i = 0; i < escaped.length; i++) buffer[pos++] = escaped[i] ?? 0;
    }
  }
  buffer[pos++] = QUOTE;
  out.pos = pos;
};

/** The length in UTF-16 units of valid UTF-8 `bytes[start..end)`, `""` counted once when `pairs`. */
const utf16Length = (bytes: Buffer, start: number, end: number, pairs: boolean): number => {
  let units = 0;
  for (let at = start; at < end; at++) {
    const byte = bytes[at] ?? 0;
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
    if (pairs && byte === QUOTE) at++;
  }
  return units;
};

const quoted = (bytes: Buffer, start: number, end: number, out: ByteOutput): true => {
  out.byte(QUOTE);
  out.bytes(bytes, start, end);
  out.byte(QUOTE);
  return true;
};

/** Up to 16 short values seen to match a column's pattern, replaced in turn. */
class MatchedValues {
  private static readonly SLOTS = 16;
  private static readonly WIDTH = 32;
  private readonly values = Buffer.alloc(MatchedValues.SLOTS * MatchedValues.WIDTH);
  private readonly lengths = new Int32Array(MatchedValues.SLOTS).fill(-1);
  private next = 0;

  has(bytes: Buffer, start: number, end: number): boolean {
    const length = end - start;
    for (let slot = 0; slot < MatchedValues.SLOTS; slot++) {
      if (this.lengths[slot] !== length) continue;
      const base = slot * MatchedValues.WIDTH;
      let at = 0;
      while (at < length && bytes[start + at] === this.values[base + at]) at++;
      if (at === length) return true;
    }
    return false;
  }

  add(bytes: Buffer, start: number, end: number): void {
    if (end - start > MatchedValues.WIDTH) return;
    const slot = this.next;
    this.next = (slot + 1) % MatchedValues.SLOTS;
    this.lengths[slot] = bytes.copy(this.values, slot * MatchedValues.WIDTH, start, end);
  }
}

const stringBytes = ({ maxLength, pattern }: Extract<Column, { type: 'string' }>): ByteConverter => {
  // Columns with a pattern (currency, country) take a few values: remember the last few matches, skip the regex.
  const matched = new MatchedValues();
  return function stringFromBytes(bytes, start, end, out, ascii, pairs) {
    // The byte count bounds the length in UTF-16 units from above; only a longer value needs counting.
    if (maxLength !== undefined && end - start > maxLength && utf16Length(bytes, start, end, pairs) > maxLength) return false;
    if (pattern !== undefined && (pairs || !matched.has(bytes, start, end))) {
      if (pairs || !pattern.test(bytes.toString(ascii ? 'latin1' : 'utf8', start, end))) return false;
      matched.add(bytes, start, end);
    }
    writeJsonString(bytes, start, end, out, pairs);
    return true;
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

/** Days in `month` of `year`, by the Gregorian rules `Date` uses. */
const daysIn = (year: number, month: number): number => {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
};

const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9] as const;

/** Same rule as `isCalendarDate` in schemas/convert.ts, on bytes. */
const isCalendarDate = (bytes: Buffer, at: number): boolean => {
  for (const offset of DATE_DIGITS) if (!isDigit(bytes[at + offset])) return false;
  if (bytes[at + 4] !== MINUS || bytes[at + 7] !== MINUS) return false;
  const year = twoDigits(bytes, at) * 100 + twoDigits(bytes, at + 2);
  const month = twoDigits(bytes, at + 5);
  const day = twoDigits(bytes, at + 8);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
};

const dateBytes = (): ByteConverter =>
  function dateFromBytes(bytes, start, end, out) {
    return end - start === 10 && isCalendarDate(bytes, start) && quoted(bytes, start, end, out);
  };

const writeDigits = (buffer: Buffer, at: number, value: number, count: number): void => {
  let rest = value;
  for (let i = count - 1; i >= 0; i--) {
    buffer[at + i] = ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
};

const MINUTES_PER_DAY = 24 * 60;

/**
 * `YYYY-MM-DDTHH:MM[:SS[.f…]](Z|±HH:MM)`, written as `toISOString` writes what `Date.parse`
 * reads from it: in UTC, the fraction cut to milliseconds. Hour 24, a result outside years
 * 0–9999 and other rare forms return false (the string converter decides them).
 */
const datetimeBytes = (): ByteConverter =>
  function datetimeFromBytes(bytes, start, end, out) {
    if (end - start < 17 || bytes[start + 10] !== 84 || bytes[start + 13] !== COLON || !isCalendarDate(bytes, start)) return false; // 84: T
    if (!isDigit(bytes[start + 11]) || !isDigit(bytes[start + 12]) || !isDigit(bytes[start + 14]) || !isDigit(bytes[start + 15])) return false;
    const hour = twoDigits(bytes, start + 11);
    const minute = twoDigits(bytes, start + 14);
    if (hour > 23 || minute > 59) return false;
    let pos = start + 16;
    let secondsAt = -1;
    let fractionAt = -1;
    let fractionDigits = 0;
    if (bytes[pos] === COLON) {
      if (!isDigit(bytes[pos + 1]) || !isDigit(bytes[pos + 2]) || digitAt(bytes, pos + 1) > 5) return false;
      secondsAt = pos + 1;
      pos += 3;
      if (bytes[pos] === DOT) {
        fractionAt = pos + 1;
        pos++;
        while (pos < end && isDigit(bytes[pos])) pos++;
        fractionDigits = pos - fractionAt;
        if (fractionDigits < 1 || fractionDigits > 9) return false;
      }
    }
    let offset = 0;
    if (bytes[pos] === 90 && pos + 1 === end) {
      // 90: Z
    } else if ((bytes[pos] === PLUS || bytes[pos] === MINUS) && pos + 6 === end && bytes[pos + 3] === COLON) {
      if (!isDigit(bytes[pos + 1]) || !isDigit(bytes[pos + 2]) || !isDigit(bytes[pos + 4]) || !isDigit(bytes[pos + 5])) return false;
      const offsetHours = twoDigits(bytes, pos + 1);
      const offsetMinutes = twoDigits(bytes, pos + 4);
      if (offsetHours > 23 || offsetMinutes > 59) return false;
      offset = (bytes[pos] === MINUS ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
    } else {
      return false;
    }
    let minutes = hour * 60 + minute - offset;
    let year = twoDigits(bytes, start) * 100 + twoDigits(bytes, start + 2);
    let month = twoDigits(bytes, start + 5);
    let day = twoDigits(bytes, start + 8);
    if (minutes < 0) {
      minutes += MINUTES_PER_DAY;
      if (--day === 0 && --month === 0) {
        month = 12;
        year--;
      }
      if (day === 0) day = daysIn(year, month);
    } else if (minutes >= MINUTES_PER_DAY) {
      minutes -= MINUTES_PER_DAY;
      if (++day > daysIn(year, month)) {
        day = 1;
        if (++month === 13) {
          month = 1;
          year++;
        }
      }
    }
    if (year < 0 || year > 9999) return false;
    // "YYYY-MM-DDTHH:MM:SS.sssZ" with its quotes: 26 bytes.
    const buffer = out.buffer;
    const at = out.pos;
    buffer[at] = QUOTE;
    if (offset === 0) {
      for (let i = 0; i < 16; i++) buffer[at + 1 + i] = bytes[start + i] ?? 0; // date, T, hours and minutes as given
    } else {
      writeDigits(buffer, at + 1, year, 4);
      buffer[at + 5] = MINUS;
      writeDigits(buffer, at + 6, month, 2);
      buffer[at + 8] = MINUS;
      writeDigits(buffer, at + 9, day, 2);
      buffer[at + 11] = 84;
      writeDigits(buffer, at + 12, Math.floor(minutes / 60), 2);
      buffer[at + 14] = COLON;
      writeDigits(buffer, at + 15, minutes % 60, 2);
    }
    buffer[at + 17] = COLON;
    buffer[at + 18] = secondsAt === -1 ? ZERO : (bytes[secondsAt] ?? ZERO);
    buffer[at + 19] = secondsAt === -1 ? ZERO : (bytes[secondsAt + 1] ?? ZERO);
    buffer[at + 20] = DOT;
    for (let i = 0; i < 3; i++) buffer[at + 21 + i] = i < fractionDigits ? (bytes[fractionAt + i] ?? ZERO) : ZERO;
    buffer[at + 24] = 90;
    buffer[at + 25] = QUOTE;
    out.pos = at + 26;
    return true;
  };

const enumBytes = ({ values }: Extract<Column, { type: 'enum' }>): ByteConverter => {
  const choices = values.map((value) => ({ bytes: Buffer.from(value), json: Buffer.from(jsonString(value)) }));
  return function enumFromBytes(bytes, start, end, out, _ascii, pairs) {
    const length = end - start;
    if (pairs) return false;
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
