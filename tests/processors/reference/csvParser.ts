/**
 * The string parser as it was before issue 11 (src/processors/csv/parser.ts then): the
 * reference ETL's parser, kept unchanged (csvEquivalence.test.ts).
 *
 * A streaming RFC 4180 parser working on decoded text chunks.
 *
 * Written here rather than taken from npm because the ETL must run at ≥ 0.5 × the fastest
 * bare parser *including* validation and NDJSON output (see docs/benchmarks.md): lines
 * without quotes are split with `String#split`, which V8 runs natively; only records that
 * contain a quote take the character-by-character path. An incomplete record at the end of a
 * chunk is kept and re-parsed with the next chunk, so it is capped at `maxRecordLength`.
 *
 * Lenient where RFC 4180 leaves no choice: a quote inside an unquoted field is literal text,
 * and text after a closing quote is appended to the field.
 */
import { RejectionError } from '../../../src/errors.js';

export interface CsvParserOptions {
  readonly delimiter: string;
  /** Longest record in characters (including quoted newlines); longer rejects the file. */
  readonly maxRecordLength: number;
  readonly maxFieldLength: number;
}

/** Receives each non-empty record and the 1-based line it starts on. */
export type RecordHandler = (fields: string[], line: number) => void;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const NEED_MORE = -1;

export class CsvParser {
  private pending = '';
  private line = 1;
  private readonly delimiterCode: number;

  constructor(
    private readonly options: CsvParserOptions,
    private readonly onRecord: RecordHandler,
  ) {
    this.delimiterCode = options.delimiter.charCodeAt(0);
  }

  /** @example parser.push('a,b\n1,'); parser.push('2\n'); parser.end() */
  push(chunk: string): void {
    const text = this.pending === '' ? chunk : this.pending + chunk;
    const consumed = this.parseRecords(text, false);
    this.pending = consumed === text.length ? '' : text.slice(consumed);
    if (this.pending.length > this.options.maxRecordLength) this.tooLong(this.pending.length);
  }

  /** Parses whatever is left: a last record without a newline, or an unterminated quote. */
  end(): void {
    if (this.pending !== '') this.parseRecords(this.pending, true);
    this.pending = '';
  }

  /** Returns how many characters of `text` were consumed (whole records only, unless `final`). */
  private parseRecords(text: string, final: boolean): number {
    const length = text.length;
    let pos = 0;
    let nextQuote = text.indexOf('"');
    while (pos < length) {
      let newline = text.indexOf('\n', pos);
      if (newline === -1) {
        if (!final) return pos;
        newline = length;
      }
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (nextQuote === -1 || nextQuote > newline) {
        this.simpleLine(text, pos, newline);
        pos = newline + 1;
        continue;
      }
      const end = this.quotedRecord(text, pos, final);
      if (end === NEED_MORE) return pos;
      pos = end;
    }
    return length;
  }

  /** A line without quotes: one `split` does the whole record. */
  private simpleLine(text: string, start: number, newline: number): void {
    const end = newline > start && text.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
    const line = this.line++;
    if (end === start) return;
    const length = end - start;
    if (length > this.options.maxRecordLength) this.tooLong(length);
    const fields = text.slice(start, end).split(this.options.delimiter);
    // A field can only be too long when the whole line is.
    if (length > this.options.maxFieldLength) this.checkFields(fields, line);
    this.onRecord(fields, line);
  }

  /** Parses one record that contains a quote; returns the index after it, or NEED_MORE. */
  private quotedRecord(text: string, start: number, final: boolean): number {
    const fields: string[] = [];
    let pos = start;
    let newlines = 0;
    for (;;) {
      let value: string;
      if (text.charCodeAt(pos) === QUOTE) {
        const closing = this.closingQuote(text, pos + 1, final);
        if (closing === NEED_MORE) return this.needMore(text, start, final);
        value = text.slice(pos + 1, closing).replaceAll('""', '"');
        newlines += countNewlines(value);
        pos = closing + 1;
      } else {
        value = '';
      }
      const stop = this.fieldEnd(text, pos);
      if (stop === NEED_MORE && !final) return this.needMore(text, start, final);
      const end = stop === NEED_MORE ? text.length : stop;
      value += text.slice(pos, end);
      fields.push(value);
      pos = end;
      if (pos >= text.length || text.charCodeAt(pos) !== this.delimiterCode) break;
      pos++;
    }
    return this.finishQuoted(text, start, pos, fields, newlines);
  }

  /** `pos` is at the record's LF, or at the end of the text for a last record without one. */
  private finishQuoted(text: string, start: number, pos: number, fields: string[], newlines: number): number {
    const last = fields.length - 1;
    const lastField = fields[last];
    // Only a CR outside the quotes belongs to the line ending.
    if (lastField !== undefined && text.charCodeAt(pos - 1) === CR) fields[last] = lastField.slice(0, -1);
    const next = Math.min(pos + 1, text.length);
    if (next - start > this.options.maxRecordLength) this.tooLong(next - start);
    const line = this.line;
    this.line += 1 + newlines;
    this.checkFields(fields, line);
    this.onRecord(fields, line);
    return next;
  }

  /** Index of the quote closing a quoted field whose content starts at `from`. */
  private closingQuote(text: string, from: number, final: boolean): number {
    let index = from;
    for (;;) {
      const quote = text.indexOf('"', index);
      if (quote === -1) {
        if (final) throw new RejectionError(`csv line ${this.line}: quoted field must be closed, end of file given`);
        return NEED_MORE;
      }
      if (quote + 1 >= text.length && !final) return NEED_MORE; // can't yet tell `"` from `""`
      if (text.charCodeAt(quote + 1) !== QUOTE) return quote;
      index = quote + 2;
    }
  }

  /** Index of the delimiter or LF ending the unquoted part of a field, or NEED_MORE. */
  private fieldEnd(text: string, from: number): number {
    for (let index = from; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === this.delimiterCode || code === LF) return index;
    }
    return NEED_MORE;
  }

  private needMore(text: string, start: number, final: boolean): number {
    if (final) throw new RejectionError(`csv line ${this.line}: record must be complete, end of file given`);
    if (text.length - start > this.options.maxRecordLength) this.tooLong(text.length - start);
    return NEED_MORE;
  }

  private checkFields(fields: readonly string[], line: number): void {
    const max = this.options.maxFieldLength;
    for (const field of fields) {
      if (field.length > max) {
        throw new RejectionError(`csv line ${line}: fields must be at most ${max} characters, ${field.length} given`);
      }
    }
  }

  private tooLong(length: number): never {
    throw new RejectionError(`csv line ${this.line}: records must be at most ${this.options.maxRecordLength} characters, ${length}+ given`);
  }
}

const countNewlines = (value: string): number => {
  let count = 0;
  for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) count++;
  return count;
};
