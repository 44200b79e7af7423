/**
 * The fast path of ALB lines: the line's bytes → the NDJSON bytes of the record `parseAlbLine`
 * would give, with no string per field and no `JSON.stringify` (together ~60% of the main
 * thread's time on the general path). One pass over the line checks its bytes and finds the
 * fields (`AlbFieldSplitter`, which also copies them under their names when the record keeps
 * them); the normalized columns are then read from the fields they come from. It takes plain
 * lines only: printable ASCII without backslashes, every value in its usual form. Anything else
 * is declined and takes the general path (`parseAlbLine`, `JSON.stringify`), so the output is the
 * same either way; `tests/processors/accessLogs/albNdjson.test.ts` checks that with fast-check.
 */
import { AlbFieldSplitter } from './albFieldSplitter.js';
import {
  CLOSE_BRACKET,
  COLON,
  copy,
  copyAll,
  DOT,
  decimalValue,
  digitsValue,
  equalsAt,
  indexIn,
  isMissing,
  latin1Bytes,
  OPEN_BRACKET,
  QUESTION,
  QUOTE,
  SLASH,
  SPACE,
  writeInteger,
  writeThousandths,
  Z,
  ZERO,
} from './asciiBytes.js';
import { AsciiStringCache } from './asciiStringCache.js';
import { IsoHourCache } from './isoHourCache.js';
import type { SourceFields } from './options.js';
import type { SummaryBuilder } from './summary.js';

const ALB_TYPES = ['http', 'https', 'h2', 'grpcs', 'ws', 'wss'].map(latin1Bytes);
const isAlbType = (line: Uint8Array, start: number, end: number): boolean => {
  for (const type of ALB_TYPES) if (equalsAt(line, start, end, type)) return true;
  return false;
};

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
const END_WITH_FIELDS = latin1Bytes('}}\n');
const END = latin1Bytes('}\n');
const ROOT_PATH = latin1Bytes('/');
/** The bytes of a record besides `fields` and the texts taken from it: keys, the timestamp, numbers. */
const FIXED_BYTES = 512;
/** `Math.round(seconds * 1e6) / 1e3` and the sum's rounding, in thousandths of a ms. */
const MICROS_PER_SECOND = 1e6;

export class AlbNdjsonEncoder {
  private readonly fields: AlbFieldSplitter;
  private readonly hours = new IsoHourCache();
  /** Heavy-hitter keys: one string per distinct path or client rather than per line. */
  private readonly paths = new AsciiStringCache();
  private readonly clients = new AsciiStringCache();
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
  /** The latency in thousandths of a ms (it is rounded to those), or -1 for null. */
  private latencyThousandths = -1;

  constructor(private readonly sourceFields: SourceFields = 'all') {
    this.fields = new AlbFieldSplitter(sourceFields === 'all');
  }

  /**
   * Parses `line[start, end)` for `write` and `addTo`; false when it must take the general path.
   * @example if (encoder.parse(chunk, 0, 600)) pos = encoder.write(out, pos)
   */
  parse(line: Buffer, start: number, end: number): boolean {
    this.line = line;
    if (!this.fields.split(line, start, end)) return false;
    const { starts, ends } = this.fields;
    if (!isAlbType(line, starts[0] as number, ends[0] as number)) return false;
    return this.time(starts[1] as number, ends[1] as number) && this.numbers() && this.client() && this.request();
  }

  /** An upper bound of the bytes `write` takes: the fields, and the normalized columns taken from some of them. */
  maxBytes(): number {
    const { starts, ends, fieldBytes } = this.fields;
    const sourced = (ends[3] as number) - (starts[3] as number) + (ends[12] as number) - (starts[12] as number) + (ends[13] as number) - (starts[13] as number);
    return fieldBytes + sourced + FIXED_BYTES;
  }

  /** Writes the parsed line's NDJSON record (with its `\n`) at `at`; returns the position after it. */
  write(out: Uint8Array, at: number): number {
    const { line } = this;
    const { starts, ends } = this.fields;
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
    pos = this.integer(this.status, out, copyAll(KEY_STATUS, out, pos));
    pos = this.integer(this.bytes, out, copyAll(KEY_BYTES, out, pos));
    pos = copyAll(KEY_LATENCY, out, pos);
    pos = this.latencyThousandths === -1 ? copyAll(NULL, out, pos) : writeThousandths(this.latencyThousandths, out, pos);
    pos = copyAll(KEY_USER_AGENT, out, pos);
    pos = this.field(starts[13] as number, ends[13] as number, out, pos);
    if (this.sourceFields === 'none') return copyAll(END, out, pos);
    pos = copyAll(KEY_FIELDS, out, pos);
    pos += this.fields.fields.copy(out, pos, 0, this.fields.fieldBytes);
    return copyAll(END_WITH_FIELDS, out, pos);
  }

  /** The parsed line's part of the summary, as `SummaryBuilder.add` takes it from a record. */
  addTo(summary: SummaryBuilder): void {
    const { line } = this;
    summary.addTimeMs(this.hours.epochMs(line, this.timeStart, this.millis));
    summary.addRequest(
      this.clientStart === -1 ? null : this.clients.get(line, this.clientStart, this.clientEnd),
      this.rootPath ? '/' : this.pathStart === -1 ? null : this.paths.get(line, this.pathStart, this.pathEnd),
      this.status,
      this.bytes,
      this.latencyThousandths === -1 ? null : this.latencyThousandths / 1e3,
    );
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
    const { line } = this;
    const { starts, ends } = this.fields;
    const status = this.optionalDigits(8);
    if (status === -1 || (status !== null && (ends[8] as number) - (starts[8] as number) !== 3)) return false;
    const bytes = this.optionalDigits(11);
    if (bytes === -1) return false;
    let total = 0;
    let latencyThousandths = -1;
    for (let i = 5; i <= 7; i++) {
      if (isMissing(line, starts[i] as number, ends[i] as number)) break;
      const seconds = decimalValue(line, starts[i] as number, ends[i] as number);
      if (Number.isNaN(seconds)) return false;
      if (seconds < 0) break;
      total += Math.round(seconds * MICROS_PER_SECOND) / 1e3;
      if (i === 7) latencyThousandths = Math.round(total * 1e3);
    }
    this.status = status;
    this.bytes = bytes;
    this.latencyThousandths = latencyThousandths;
    return true;
  }

  /** A field of digits or a missing value; -1 for anything else. */
  private optionalDigits(field: number): number | null {
    const start = this.fields.starts[field] as number;
    const end = this.fields.ends[field] as number;
    return isMissing(this.line, start, end) ? null : digitsValue(this.line, start, end);
  }

  /** `addressOf(orNull(client:port))`. */
  private client(): boolean {
    const { line } = this;
    const start = this.fields.starts[3] as number;
    const end = this.fields.ends[3] as number;
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
    const start = this.fields.starts[12] as number;
    const end = this.fields.ends[12] as number;
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

  private integer(value: number | null, out: Uint8Array, at: number): number {
    return value === null ? copyAll(NULL, out, at) : writeInteger(value, out, at);
  }
}
