/**
 * A streaming RFC 4180 record reader working on bytes, not decoded text: it finds line ends,
 * delimiters and quotes in the Buffers as they arrive and hands each record on as field spans
 * (`CsvRecord`), so a clean row is never turned into strings (issue 11: per-line `slice` +
 * `split` and re-encoding the output were most of the ETL's time).
 *
 * Linear on any input: blank lines are skipped by a byte loop, a record that spans chunks is
 * collected once (its end found by a resumable state machine, never by re-parsing the whole
 * record per chunk), and every record is capped at `maxRecordLength`.
 *
 * Lenient where RFC 4180 leaves no choice: a quote inside an unquoted field is literal text,
 * and text after a closing quote is appended to the field. A UTF-8 BOM at the start is skipped.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { RejectionError } from '../../errors.js';
import { CsvRecord } from './record.js';

export interface CsvReaderOptions {
  readonly delimiter: string;
  /** Longest record in characters (including quoted newlines); longer rejects the file. */
  readonly maxRecordLength: number;
  readonly maxFieldLength: number;
}

/** Receives each non-empty record; the record object is reused for the next one. */
export type RecordHandler = (record: CsvRecord) => void;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const NEED_MORE = -1;
const BOM = [0xef, 0xbb, 0xbf] as const;

/** Where a partial record's end-of-record search stopped (see `findRecordEnd`). */
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

export class CsvReader {
  private readonly record = new CsvRecord();
  private readonly delimiter: number;
  private line = 1;
  private records = 0;
  /** Bytes of a record not complete yet (`carryLength` of them), and how its search ended. */
  private carry = Buffer.alloc(0);
  private carryLength = 0;
  private carryState = FIELD_START;
  private carryUnits = 0;
  private carryCounted = 0;
  /** The first bytes, until there are enough to tell whether they are a BOM. */
  private head: Buffer | undefined = Buffer.alloc(0);
  private blockAscii = true;
  private blockUtf8 = true;
  private blockNul = false;

  constructor(
    private readonly options: CsvReaderOptions,
    private readonly onRecord: RecordHandler,
  ) {
    this.delimiter = options.delimiter.charCodeAt(0);
  }

  /** @example reader.push(Buffer.from('a,b\n1,')); reader.push(Buffer.from('2\n')); reader.end() */
  push(chunk: Buffer): void {
    let bytes = chunk;
    if (this.head !== undefined) {
      bytes = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      if (bytes.length < BOM.length) {
        this.head = bytes;
        return;
      }
      this.head = undefined;
      if (bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2]) bytes = bytes.subarray(BOM.length);
    }
    let from = 0;
    if (this.carryLength > 0) {
      const end = this.findRecordEnd(bytes, 0);
      if (end === NEED_MORE) {
        this.appendCarry(bytes, bytes.length);
        return;
      }
      this.appendCarry(bytes, end + 1);
      const record = this.carry.subarray(0, this.carryLength);
      this.carryLength = 0;
      this.parseBlock(record, false);
      from = end + 1;
    }
    const rest = from === 0 ? bytes : bytes.subarray(from);
    const consumed = this.parseBlock(rest, false);
    if (consumed < rest.length) {
      this.carryState = FIELD_START;
      this.carryUnits = 0;
      this.carryCounted = 0;
      const left = rest.subarray(consumed);
      // Sets `carryState` for the bytes kept; they hold no record end, or parseBlock would have taken it.
      this.findRecordEnd(left, 0);
      this.appendCarry(left, left.length);
    }
  }

  /** Parses whatever is left: a last record without a newline, or an unterminated quote. */
  end(): void {
    if (this.head !== undefined && this.head.length > 0) {
      const head = this.head;
      this.head = undefined;
      this.push(head);
    }
    if (this.carryLength > 0) this.parseBlock(this.carry.subarray(0, this.carryLength), true);
    this.carryLength = 0;
  }

  /** Parses the whole records of `bytes`; returns where the first incomplete one starts. */
  private parseBlock(bytes: Buffer, final: boolean): number {
    this.checkBlock(bytes, final);
    const to = bytes.length;
    let pos = 0;
    while (pos < to) {
      const byte = bytes[pos];
      // Blank lines cost one comparison each: a file of newlines must not be slower than rows.
      if (byte === LF) {
        this.line++;
        pos++;
        continue;
      }
      if (byte === CR && pos + 1 < to && bytes[pos + 1] === LF) {
        this.line++;
        pos += 2;
        continue;
      }
      const next = this.readRecord(bytes, pos, final);
      if (next === NEED_MORE) return pos;
      pos = next;
    }
    return to;
  }

  /** Block-level text checks, done once per block by native code; records look closer only when they fail. */
  private checkBlock(bytes: Buffer, final: boolean): void {
    const end = final ? bytes.length : bytes.lastIndexOf(LF) + 1;
    const whole = bytes.subarray(0, end);
    this.blockAscii = isAscii(whole);
    this.blockUtf8 = this.blockAscii || isUtf8(whole);
    this.blockNul = whole.includes(0);
  }

  /** Reads one record starting at `start`; returns the index after it, or NEED_MORE. */
  private readRecord(bytes: Buffer, start: number, final: boolean): number {
    const record = this.record;
    const delimiter = this.delimiter;
    const to = bytes.length;
    record.reset(bytes);
    let quoted = false;
    let pos = start;
    for (;;) {
      let stop: number;
      if (pos < to && bytes[pos] === QUOTE) {
        quoted = true;
        const closing = this.closingQuote(bytes, pos + 1, final);
        if (closing === NEED_MORE) return NEED_MORE;
        stop = fieldEnd(bytes, closing + 1, delimiter);
        if (stop === to && !final) return NEED_MORE;
        const last = stop === to || bytes[stop] === LF;
        const tailEnd = last && stop > closing + 1 && bytes[stop - 1] === CR ? stop - 1 : stop;
        const escaped = bytes.indexOf(QUOTE, pos + 1) < closing;
        if (escaped || tailEnd > closing + 1) record.addComplex(pos + 1, closing, closing + 1, tailEnd);
        else record.add(pos + 1, closing);
      } else {
        stop = fieldEnd(bytes, pos, delimiter);
        if (stop === to && !final) return NEED_MORE;
        const last = stop === to || bytes[stop] === LF;
        record.add(pos, last && stop > pos && bytes[stop - 1] === CR ? stop - 1 : stop);
      }
      if (stop === to || bytes[stop] === LF) return this.finishRecord(bytes, start, stop, quoted);
      pos = stop + 1;
    }
  }

  /** `stop` is at the record's LF, or at the end of the bytes for a last record without one. */
  private finishRecord(bytes: Buffer, start: number, stop: number, quoted: boolean): number {
    const record = this.record;
    const next = Math.min(stop + 1, bytes.length);
    const line = this.line;
    if (!quoted && record.count === 1 && record.ends[0] === start) {
      this.line++; // an empty line, e.g. a lone CR at the end of the file
      return next;
    }
    this.line += quoted ? 1 + countLineFeeds(bytes, start, stop) : 1;
    record.ascii = this.blockAscii;
    // As before: a quoted record's length counts its line ending, an unquoted one's does not.
    const length = quoted ? next - start : (record.ends[record.count - 1] ?? 0) - start;
    if (length > this.options.maxRecordLength) this.checkRecordLength(bytes, start, start + length, line);
    if (quoted || length > this.options.maxFieldLength) this.checkFields(line);
    record.line = line;
    record.start = start;
    record.end = stop;
    record.utf8 = this.blockUtf8 || isUtf8(bytes.subarray(start, stop));
    record.nul = this.blockNul && bytes.subarray(start, stop).includes(0);
    this.records++;
    this.onRecord(record);
    return next;
  }

  /** Index of the quote closing a quoted field whose content starts at `from`. */
  private closingQuote(bytes: Buffer, from: number, final: boolean): number {
    let index = from;
    for (;;) {
      const quote = bytes.indexOf(QUOTE, index);
      if (quote === -1) {
        if (final) throw new RejectionError(`csv line ${this.line}: quoted field must be closed, end of file given`);
        return NEED_MORE;
      }
      if (quote + 1 >= bytes.length && !final) return NEED_MORE; // can't yet tell `"` from `""`
      if (bytes[quote + 1] !== QUOTE) return quote;
      index = quote + 2;
    }
  }

  /**
   * Index of the LF ending the record whose bytes so far are in `carry`, resuming from
   * `carryState`; NEED_MORE (state saved) when `bytes` does not end it.
   */
  private findRecordEnd(bytes: Buffer, from: number): number {
    const delimiter = this.delimiter;
    let state = this.carryState;
    for (let pos = from; pos < bytes.length; pos++) {
      if (state === QUOTED) {
        const quote = bytes.indexOf(QUOTE, pos);
        if (quote === -1) break;
        pos = quote;
        state = QUOTE_IN_QUOTED;
        continue;
      }
      const byte = bytes[pos];
      if (byte === LF) return pos;
      if (state === QUOTE_IN_QUOTED) state = byte === QUOTE ? QUOTED : byte === delimiter ? FIELD_START : UNQUOTED;
      else if (byte === delimiter) state = FIELD_START;
      else if (state === FIELD_START) state = byte === QUOTE ? QUOTED : UNQUOTED;
    }
    this.carryState = state;
    return NEED_MORE;
  }

  private appendCarry(bytes: Buffer, end: number): void {
    const needed = this.carryLength + end;
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.carry.length * 2, 64 * 1024));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    bytes.copy(this.carry, this.carryLength, 0, end);
    this.carryLength = needed;
    if (needed > this.options.maxRecordLength) this.checkCarryLength();
  }

  /** An incomplete record may not grow past the cap; characters are counted once, as they come. */
  private checkCarryLength(): void {
    this.carryUnits += utf16Units(this.carry, this.carryCounted, this.carryLength);
    this.carryCounted = this.carryLength;
    if (this.carryUnits <= this.options.maxRecordLength) return;
    const carried = this.carry.subarray(0, this.carryLength);
    if (this.records === 0 && carried.includes(CR) && !carried.includes(LF)) throw crOnly(this.options.maxRecordLength);
    this.tooLong(this.carryUnits);
  }

  private checkRecordLength(bytes: Buffer, start: number, end: number, line: number): void {
    const units = utf16Units(bytes, start, end);
    if (units > this.options.maxRecordLength) this.tooLong(units, line);
  }

  private checkFields(line: number): void {
    const record = this.record;
    const max = this.options.maxFieldLength;
    for (let i = 0; i < record.count; i++) {
      if (record.byteLength(i) <= max) continue;
      const length = record.text(i).length;
      if (length > max) throw new RejectionError(`csv line ${line}: fields must be at most ${max} characters, ${length} given`);
    }
  }

  private tooLong(length: number, line = this.line): never {
    throw new RejectionError(`csv line ${line}: records must be at most ${this.options.maxRecordLength} characters, ${length}+ given`);
  }
}

/** The reason for a file whose lines end with CR alone (classic Mac OS): no LF for a whole record's length. */
const crOnly = (max: number): RejectionError =>
  new RejectionError(`csv line 1: line endings must be LF or CRLF, CR alone given (no LF in the first ${max} characters)`);

/** Index of the delimiter or LF ending the unquoted part of a field, or `bytes.length`. */
const fieldEnd = (bytes: Buffer, from: number, delimiter: number): number => {
  const to = bytes.length;
  let pos = from;
  while (pos < to) {
    const byte = bytes[pos];
    if (byte === delimiter || byte === LF) return pos;
    pos++;
  }
  return to;
};

const countLineFeeds = (bytes: Buffer, start: number, end: number): number => {
  let count = 0;
  for (let at = bytes.indexOf(LF, start); at !== -1 && at < end; at = bytes.indexOf(LF, at + 1)) count++;
  return count;
};

/** UTF-16 code units the UTF-8 bytes decode to: one per lead byte, two for a 4-byte sequence. */
const utf16Units = (bytes: Buffer, start: number, end: number): number => {
  if (isAscii(bytes.subarray(start, end))) return end - start;
  let units = 0;
  for (let pos = start; pos < end; pos++) {
    const byte = bytes[pos] ?? 0;
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
};
