/**
 * The fast path of ALB lines: the line's bytes → the NDJSON bytes of the record `parseAlbLine`
 * would give, with no string per field and no `JSON.stringify` (together ~60% of the main
 * thread's time on the general path). One pass over the line checks its bytes, finds the fields
 * and copies them, under their names, into a reused scratch buffer (the record's `fields`); the
 * normalized columns are then read from the fields they come from. It takes plain lines only:
 * printable ASCII without backslashes, every value in its usual form. Anything else is declined
 * and takes the general path (`parseAlbLine`, `JSON.stringify`), so the output is the same
 * either way; `tests/processors/accessLogs/albNdjson.test.ts` checks that with fast-check.
 */
import { ALB_FIELDS } from './alb.js';
import { isoTimestamp } from './record.js';
import type { SummaryBuilder } from './summary.js';

const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DASH = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ZERO = 0x30;
const TILDE = 0x7e;
const Z = 0x5a;

/** Up to `user_agent`, as `parseAlbLine`. */
const MIN_FIELDS = 14;
/** Lines with more fields take the general path; this bounds the field-name cache. */
const MAX_FIELDS = 128;
/** Integers of up to 15 digits are exact doubles; longer ones take the general path. */
const MAX_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_DIGITS + 1 }, (_, i) => 10 ** i);
const ALB_TYPES = ['http', 'https', 'h2', 'grpcs', 'ws', 'wss'].map((type) => Buffer.from(type, 'latin1'));

const isAlbType = (line: Uint8Array, start: number, end: number): boolean => {
  for (const type of ALB_TYPES) if (equalsAt(line, start, end, type)) return true;
  return false;
};

const latin1Bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const KEY_TIMESTAMP = latin1Bytes('{"timestamp":"');
const KEY_CLIENT = latin1Bytes('Z","client":');
const KEY_METHOD = latin1Bytes(',"method":');
const KEY_PATH = latin1Bytes(',"path":');
const KEY_STATUS = latin1Bytes(',"status":');
const KEY_BYTES = latin1Bytes(',"bytes":');
const KEY_LATENCY = latin1Bytes(',"latencyMs":');
const KEY_USER_AGENT = latin1Bytes(',"userAgent":');
const KEY_FIELDS = latin1Bytes(',"fields":{');
const NULL = latin1Bytes('null');
const END = latin1Bytes('}}\n');
const ROOT_PATH = latin1Bytes('/');
/** The bytes of a record besides `fields` and the texts taken from it: keys, the timestamp, numbers. */
const FIXED_BYTES = 512;
/** Room in the scratch buffer beyond the line's bytes: `"name":"` and `"` or `null` for every field. */
const SCRATCH_SLACK = 64 * MAX_FIELDS;

const copy = (from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): number => {
  let pos = at;
  for (let i = start; i < end; i++) to[pos++] = from[i] as number;
  return pos;
};

const copyAll = (from: Uint8Array, to: Uint8Array, at: number): number => copy(from, 0, from.length, to, at);

const writeDigits = (value: number, to: Uint8Array, at: number): number => {
  const text = String(value);
  for (let i = 0; i < text.length; i++) to[at + i] = text.charCodeAt(i);
  return at + text.length;
};

/** A field's bytes in `[start, end)`; `-` or empty is `null` (`orNull`). */
const isMissing = (line: Uint8Array, start: number, end: number): boolean => end === start || (end === start + 1 && line[start] === DASH);

const equalsAt = (line: Uint8Array, start: number, end: number, text: Uint8Array): boolean => {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (line[start + i] !== text[i]) return false;
  return true;
};

const indexIn = (line: Uint8Array, byte: number, start: number, end: number): number => {
  for (let i = start; i < end; i++) if (line[i] === byte) return i;
  return -1;
};

/** Decimal digits → their value; -1 when not all digits or too long for an exact double. */
const digitsValue = (line: Uint8Array, start: number, end: number): number => {
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
const decimalValue = (line: Uint8Array, start: number, end: number): number => {
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

/**
 * The ISO text of `YYYY-MM-DDTHH:MM:SS` up to its minutes, `isoTimestamp`'s, cached per hour: a
 * log's times run in order. Minutes and seconds in 00–59 never change the date (V8 rolls over
 * only days past the month's end), so they are copied as they are.
 */
class HourCache {
  private readonly key = Buffer.alloc(13);
  private cached = false;
  /** `toISOString()` of the cached hour up to `HH:`, or undefined when the hour is not a valid time. */
  prefix: Uint8Array | undefined;
  prefixText = '';

  /** False unless `YYYY-MM-DDTHH:MM:SS` with hours 00–23 and minutes and seconds 00–59. */
  lookUp(line: Buffer, start: number): boolean {
    for (let i = 13; i < 19; i++) {
      const byte = line[start + i] as number;
      if (i === 13 || i === 16 ? byte !== COLON : byte < ZERO || byte > ZERO + 9) return false;
    }
    // Leap seconds (60) and 24:00:00 parse differently with a fraction: the general path decides.
    if ((line[start + 14] as number) > ZERO + 5 || (line[start + 17] as number) > ZERO + 5) return false;
    if (this.cached && equalsAt(line, start, start + 13, this.key)) return this.prefix !== undefined;
    for (let i = 0; i < 13; i++) {
      const byte = line[start + i] as number;
      const expected = i === 4 || i === 7 ? DASH : i === 10 ? 0x54 : -1;
      if (expected === -1 ? byte < ZERO || byte > ZERO + 9 : byte !== expected) return false;
    }
    const hour = ((line[start + 11] as number) - ZERO) * 10 + (line[start + 12] as number) - ZERO;
    if (hour > 23) return false;
    copy(line, start, start + 13, this.key, 0);
    this.cached = true;
    const iso = isoTimestamp(`${this.key.toString('latin1')}:00:00Z`);
    this.prefixText = iso === undefined ? '' : iso.slice(0, 14);
    this.prefix = iso === undefined ? undefined : latin1Bytes(this.prefixText);
    return this.prefix !== undefined;
  }
}

const MILLIS = Array.from({ length: 1000 }, (_, ms) => `.${String(ms).padStart(3, '0')}Z`);

export class AlbNdjsonEncoder {
  /** Where the fields the normalized columns come from start and end in the line. */
  private readonly starts = new Int32Array(MIN_FIELDS);
  private readonly ends = new Int32Array(MIN_FIELDS);
  /** `"name":"`, with a comma before all but the first. */
  private readonly keys: Uint8Array[] = [];
  /** The record's `fields` object without its braces; reused from line to line. */
  private scratch = Buffer.allocUnsafe(0);
  private fieldBytes = 0;
  private readonly hours = new HourCache();
  private line: Buffer = Buffer.alloc(0);
  // The values of the parsed line, as byte ranges of `line` (start -1: null) or numbers.
  private timeStart = 0;
  private millis = 0;
  private clientStart = -1;
  private clientEnd = 0;
  private methodStart = -1;
  private methodEnd = 0;
  private pathStart = -1;
  private pathEnd = 0;
  private rootPath = false;
  private status: number | null = null;
  private bytes: number | null = null;
  private latencyMs: number | null = null;

  constructor() {
    for (let i = 0; i < MAX_FIELDS; i++) this.keys.push(latin1Bytes(`${i === 0 ? '' : ','}${JSON.stringify(ALB_FIELDS[i] ?? `field_${i + 1}`)}:"`));
  }

  /**
   * Parses `line[start, end)` for `write` and `addTo`; false when it must take the general path.
   * @example if (encoder.parse(chunk, 0, 600)) pos = encoder.write(out, pos)
   */
  parse(line: Buffer, start: number, end: number): boolean {
    this.line = line;
    if (!this.split(line, start, end)) return false;
    const { starts, ends } = this;
    if (!isAlbType(line, starts[0] as number, ends[0] as number)) return false;
    return this.time(starts[1] as number, ends[1] as number) && this.numbers() && this.client() && this.request();
  }

  /** An upper bound of the bytes `write` takes: the fields, and the normalized columns taken from some of them. */
  maxBytes(): number {
    const { starts, ends } = this;
    const sourced = (ends[3] as number) - (starts[3] as number) + (ends[12] as number) - (starts[12] as number) + (ends[13] as number) - (starts[13] as number);
    return this.fieldBytes + sourced + FIXED_BYTES;
  }

  /** Writes the parsed line's NDJSON record (with its `\n`) at `at`; returns the position after it. */
  write(out: Uint8Array, at: number): number {
    const { line, starts, ends } = this;
    let pos = copyAll(KEY_TIMESTAMP, out, at);
    pos = copyAll(this.hours.prefix as Uint8Array, out, pos);
    pos = copy(line, this.timeStart + 14, this.timeStart + 19, out, pos);
    out[pos++] = DOT;
    const { millis } = this;
    out[pos++] = ZERO + Math.floor(millis / 100);
    out[pos++] = ZERO + (Math.floor(millis / 10) % 10);
    out[pos++] = ZERO + (millis % 10);
    pos = copyAll(KEY_CLIENT, out, pos);
    pos = this.text(this.clientStart, this.clientEnd, out, pos);
    pos = this.text(this.methodStart, this.methodEnd, out, copyAll(KEY_METHOD, out, pos));
    pos = copyAll(KEY_PATH, out, pos);
    if (this.rootPath) {
      out[pos++] = QUOTE;
      pos = copyAll(ROOT_PATH, out, pos);
      out[pos++] = QUOTE;
    } else pos = this.text(this.pathStart, this.pathEnd, out, pos);
    pos = this.number(this.status, out, copyAll(KEY_STATUS, out, pos));
    pos = this.number(this.bytes, out, copyAll(KEY_BYTES, out, pos));
    pos = this.number(this.latencyMs, out, copyAll(KEY_LATENCY, out, pos));
    pos = copyAll(KEY_USER_AGENT, out, pos);
    pos = this.field(starts[13] as number, ends[13] as number, out, pos);
    pos = copyAll(KEY_FIELDS, out, pos);
    pos += this.scratch.copy(out, pos, 0, this.fieldBytes);
    return copyAll(END, out, pos);
  }

  /** The parsed line's part of the summary, as `SummaryBuilder.add` takes it from a record. */
  addTo(summary: SummaryBuilder): void {
    const { line, timeStart } = this;
    summary.addRequest(
      `${this.hours.prefixText}${line.toString('latin1', timeStart + 14, timeStart + 19)}${MILLIS[this.millis]}`,
      this.clientStart === -1 ? null : line.toString('latin1', this.clientStart, this.clientEnd),
      this.rootPath ? '/' : this.pathStart === -1 ? null : line.toString('latin1', this.pathStart, this.pathEnd),
      this.status,
      this.bytes,
      this.latencyMs,
    );
  }

  /**
   * `splitAlbLine` on plain bytes, writing each field as `,"name":"value"` (or `null`) to the
   * scratch buffer as it goes; false on a byte it would unescape or JSON would escape, or a split error.
   */
  private split(line: Buffer, start: number, end: number): boolean {
    if (this.scratch.length < end - start + SCRATCH_SLACK) this.scratch = Buffer.allocUnsafe(2 * (end - start) + SCRATCH_SLACK);
    const { scratch, keys } = this;
    let out = 0;
    let count = 0;
    let pos = start;
    while (pos <= end) {
      if (count === MAX_FIELDS) return false;
      out = copyAll(keys[count] as Uint8Array, scratch, out);
      const quoted = pos < end && line[pos] === QUOTE;
      let i = pos;
      if (quoted) {
        for (i = pos + 1; i < end; i++) {
          const byte = line[i] as number;
          if (byte === QUOTE) break;
          if (byte < SPACE || byte > TILDE || byte === BACKSLASH) return false;
          scratch[out++] = byte;
        }
        if (i === end || (i + 1 < end && line[i + 1] !== SPACE)) return false;
        pos++;
      } else {
        for (; i < end; i++) {
          const byte = line[i] as number;
          if (byte === SPACE) break;
          if (byte < SPACE || byte > TILDE || byte === BACKSLASH || byte === QUOTE) return false;
          scratch[out++] = byte;
        }
      }
      // `pos` is now where the value starts, `i` where it ends.
      if (isMissing(line, pos, i)) out = copyAll(NULL, scratch, out - (i - pos) - 1);
      else scratch[out++] = QUOTE;
      if (count < MIN_FIELDS) {
        this.starts[count] = pos;
        this.ends[count] = i;
      }
      count++;
      pos = quoted ? i + 2 : i + 1;
    }
    this.fieldBytes = out;
    return count >= MIN_FIELDS;
  }

  /** `isoTimestamp` of `YYYY-MM-DDTHH:MM:SS[.fraction]Z`: V8 keeps the first three fraction digits. */
  private time(start: number, end: number): boolean {
    if (end - start < 20 || end - start > 30 || this.line[end - 1] !== Z || !this.hours.lookUp(this.line, start)) return false;
    this.timeStart = start;
    if (end - start === 20) {
      this.millis = 0;
      return true;
    }
    if (this.line[start + 19] !== DOT || end - start === 21) return false;
    let millis = 0;
    for (let i = start + 20; i < end - 1; i++) {
      const digit = (this.line[i] as number) - ZERO;
      if (digit < 0 || digit > 9) return false;
      if (i < start + 23) millis = millis * 10 + digit;
    }
    for (let i = end - 1; i < start + 23; i++) millis *= 10;
    this.millis = millis;
    return true;
  }

  /** Status, sent bytes and latency, as `statusOf`, `bytesOf` and `latencyOf`; false when one is invalid. */
  private numbers(): boolean {
    const { line, starts, ends } = this;
    const status = this.optionalDigits(8);
    if (status === -1 || (status !== null && (ends[8] as number) - (starts[8] as number) !== 3)) return false;
    const bytes = this.optionalDigits(11);
    if (bytes === -1) return false;
    let total = 0;
    let latencyMs: number | null = null;
    for (let i = 5; i <= 7; i++) {
      if (isMissing(line, starts[i] as number, ends[i] as number)) break;
      const seconds = decimalValue(line, starts[i] as number, ends[i] as number);
      if (Number.isNaN(seconds)) return false;
      if (seconds < 0) break;
      total += Math.round(seconds * 1e6) / 1e3;
      if (i === 7) latencyMs = Math.round(total * 1e3) / 1e3;
    }
    this.status = status;
    this.bytes = bytes;
    this.latencyMs = latencyMs;
    return true;
  }

  /** A field of digits or a missing value; -1 for anything else. */
  private optionalDigits(field: number): number | null {
    const start = this.starts[field] as number;
    const end = this.ends[field] as number;
    return isMissing(this.line, start, end) ? null : digitsValue(this.line, start, end);
  }

  /** `addressOf(orNull(client:port))`. */
  private client(): boolean {
    const { line } = this;
    const start = this.starts[3] as number;
    const end = this.ends[3] as number;
    this.clientStart = -1;
    if (isMissing(line, start, end)) return true;
    this.clientStart = start;
    this.clientEnd = end;
    if (line[start] === OPEN_BRACKET) {
      const close = indexIn(line, CLOSE_BRACKET, start, end);
      if (close !== -1) [this.clientStart, this.clientEnd] = [start + 1, close];
      return true;
    }
    for (let i = end - 1; i >= start; i--) {
      if (line[i] === COLON) {
        this.clientEnd = i;
        break;
      }
    }
    return true;
  }

  /** `requestParts`: the method, and the path of the target (`pathOfTarget`) without its query. */
  private request(): boolean {
    const { line } = this;
    const start = this.starts[12] as number;
    const end = this.ends[12] as number;
    this.methodStart = -1;
    this.pathStart = -1;
    this.rootPath = false;
    const space = indexIn(line, SPACE, start, end);
    const methodEnd = space === -1 ? end : space;
    if (!isMissing(line, start, methodEnd)) [this.methodStart, this.methodEnd] = [start, methodEnd];
    if (space === -1) return true;
    const next = indexIn(line, SPACE, space + 1, end);
    const targetEnd = next === -1 ? end : next;
    if (isMissing(line, space + 1, targetEnd)) return true;
    let pathStart = space + 1;
    const scheme = this.schemeEnd(pathStart, targetEnd);
    if (scheme !== -1 && scheme - pathStart < 10) {
      const slash = indexIn(line, SLASH, scheme + 3, targetEnd);
      if (slash === -1) {
        this.rootPath = true;
        return true;
      }
      pathStart = slash;
    }
    const query = indexIn(line, QUESTION, pathStart, targetEnd);
    [this.pathStart, this.pathEnd] = [pathStart, query === -1 ? targetEnd : query];
    return true;
  }

  /** Where `://` first starts in `[start, end)`, or -1. */
  private schemeEnd(start: number, end: number): number {
    for (let i = start; i + 2 < end; i++) if (this.line[i] === COLON && this.line[i + 1] === SLASH && this.line[i + 2] === SLASH) return i;
    return -1;
  }

  /** A JSON string of plain bytes, or `null` for start -1. */
  private text(start: number, end: number, out: Uint8Array, at: number): number {
    if (start === -1) return copyAll(NULL, out, at);
    out[at] = QUOTE;
    const pos = copy(this.line, start, end, out, at + 1);
    out[pos] = QUOTE;
    return pos + 1;
  }

  /** A source field: `null` when missing (`orNull`), else its text. */
  private field(start: number, end: number, out: Uint8Array, at: number): number {
    return this.text(isMissing(this.line, start, end) ? -1 : start, end, out, at);
  }

  private number(value: number | null, out: Uint8Array, at: number): number {
    return value === null ? copyAll(NULL, out, at) : writeDigits(value, out, at);
  }
}
