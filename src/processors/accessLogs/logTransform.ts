/**
 * Log bytes in, normalized NDJSON bytes out: split lines → parse → summarize → encode. Lines are
 * found in the bytes (a `\n` byte is never part of a UTF-8 character); ALB lines take the byte
 * fast path of `AlbNdjsonEncoder` when they can, other lines are decoded, parsed and
 * `JSON.stringify`'d. Output goes to ~256 KiB buffers; rejects are batched by
 * `NdjsonBatchTransform`. Only an incomplete last line is kept between chunks, capped by
 * `maxLineLength`, so memory is flat and time linear.
 */
import type { TransformCallback } from 'node:stream';
import { RejectionError } from '../../errors.js';
import { NdjsonBatchTransform, type OpenRejects } from '../ndjsonBatches.js';
import { AlbNdjsonEncoder } from './albNdjson.js';
import { type ConcreteFormat, detectFormat, type LineParser, lineParser, undetectedReason } from './formats.js';
import type { AccessLogOptions } from './options.js';
import { isRejection } from './record.js';
import { type LineCounts, SummaryBuilder } from './summary.js';

const BOM = [0xef, 0xbb, 0xbf] as const;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/**
 * Output is handed on in batches of this size. Each is one gzip job on zlib's thread, and zlib
 * starts the next job only when the main thread turns: 256 KiB keeps gzip busy while the next
 * lines are parsed (64 KiB: ~15% slower on the bench's ALB log with the source's fields).
 */
const OUTPUT_BATCH_BYTES = 256 * 1024;
/** Output is written into slabs of this size: one allocation per 8 batches. */
const SLAB_BYTES = 8 * OUTPUT_BATCH_BYTES;
/** A UTF-16 unit comes from at most 3 UTF-8 bytes: more than 3 × (cap + 2) bytes (BOM, CR) is too long for sure. */
const MAX_BYTES_PER_CHAR = 3;

export class AccessLogTransform extends NdjsonBatchTransform {
  readonly counts: LineCounts = { linesIn: 0, linesOut: 0, linesRejected: 0 };
  readonly summary: SummaryBuilder;
  format: ConcreteFormat | undefined;
  private parser: LineParser | undefined;
  private alb: AlbNdjsonEncoder | undefined;
  /** The start of an incomplete line: chunks kept whole, joined once its end arrives. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private output = Buffer.allocUnsafe(SLAB_BYTES);
  /** Where the batch not yet handed on starts in `output`, and where it ends. */
  private batchStart = 0;
  private outputBytes = 0;
  private line = 0;

  constructor(
    private readonly options: AccessLogOptions,
    openRejects: OpenRejects,
  ) {
    super(openRejects, { max: options.maxRejectedLines, place: 'access-logs lines', unit: 'lines', option: 'maxRejectedLines' });
    this.summary = new SummaryBuilder(options.topCapacity);
    if (options.format !== 'auto') this.useFormat(options.format);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.guarded(callback, () => {
      this.splitLines(chunk);
      this.flushBatches(false, callback);
    });
  }

  override _flush(callback: TransformCallback): void {
    this.guarded(callback, () => {
      if (this.pendingBytes > 0) {
        const last = this.takePending();
        this.onLine(last, 0, last.length);
      }
      this.pushOutput();
      this.flushBatches(true, callback);
    });
  }

  private useFormat(format: ConcreteFormat): LineParser {
    this.format = format;
    this.parser = lineParser(format, this.options);
    this.alb = format === 'alb' ? new AlbNdjsonEncoder(this.options.sourceFields) : undefined;
    return this.parser;
  }

  /** Whole lines go to `onLine`; the rest waits for the next chunk. */
  private splitLines(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (newline !== -1 && this.pendingBytes > 0) {
      this.pending.push(chunk.subarray(0, newline));
      this.pendingBytes += newline;
      const first = this.takePending();
      this.onLine(first, 0, first.length);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    for (; newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      this.onLine(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > MAX_BYTES_PER_CHAR * (this.options.maxLineLength + 2)) this.tooLong(this.line + 1);
    }
  }

  private takePending(): Buffer {
    const line = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }

  private tooLong(line: number): never {
    throw new RejectionError(`line ${line}: length must be at most ${this.options.maxLineLength} characters, more given`);
  }

  /** The line in `bytes[start, end)`, without its `\n`. */
  private onLine(bytes: Buffer, start: number, lineEnd: number): void {
    const number = ++this.line;
    let from = start;
    const end = lineEnd > from && bytes[lineEnd - 1] === CARRIAGE_RETURN ? lineEnd - 1 : lineEnd;
    if (number === 1 && end - from >= 3 && bytes[from] === BOM[0] && bytes[from + 1] === BOM[1] && bytes[from + 2] === BOM[2]) from += 3;
    // Fast-path lines are ASCII, so their length in bytes is their length in characters.
    if (this.alb !== undefined && end - from <= this.options.maxLineLength && this.alb.parse(bytes, from, end)) {
      this.countLineIn();
      this.counts.linesOut++;
      this.alb.addTo(this.summary);
      this.reserve(this.alb.maxBytes());
      this.outputBytes = this.alb.write(this.output, this.outputBytes);
      this.pushFullOutput();
      return;
    }
    this.onTextLine(bytes.toString('utf8', from, end), number);
  }

  private onTextLine(line: string, number: number): void {
    if (line.length > this.options.maxLineLength) this.tooLong(number);
    if (line.trim() === '') return;
    const parse = this.parser ?? this.detect(line);
    const result = parse(line);
    if (result === undefined) return;
    this.countLineIn();
    if (isRejection(result)) {
      this.counts.linesRejected++;
      this.rejectLine(`${JSON.stringify({ line: number, reason: result.reason, text: line })}\n`);
      return;
    }
    this.counts.linesOut++;
    this.summary.add(result);
    const text = `${JSON.stringify(result)}\n`;
    this.reserve(MAX_BYTES_PER_CHAR * text.length);
    this.outputBytes += this.output.write(text, this.outputBytes);
    this.pushFullOutput();
  }

  private countLineIn(): void {
    if (++this.counts.linesIn > this.options.maxLines) throw new RejectionError(`access-logs: lines must be at most ${this.options.maxLines}, more given`);
  }

  /** Makes room for `bytes` more output, handing on the batch and starting a new slab when needed. */
  private reserve(bytes: number): void {
    if (this.output.length - this.outputBytes >= bytes) return;
    this.pushOutput();
    this.output = Buffer.allocUnsafe(Math.max(SLAB_BYTES, bytes));
    this.batchStart = 0;
    this.outputBytes = 0;
  }

  private pushFullOutput(): void {
    if (this.outputBytes - this.batchStart >= OUTPUT_BATCH_BYTES) this.pushOutput();
  }

  /** Hands the batch on; zlib reads it later on its thread, so later lines go after it, never over it. */
  private pushOutput(): void {
    if (this.outputBytes === this.batchStart) return;
    this.push(this.output.subarray(this.batchStart, this.outputBytes));
    this.batchStart = this.outputBytes;
  }

  private detect(line: string): LineParser {
    const format = detectFormat(line);
    if (format === undefined) throw new RejectionError(undetectedReason(line));
    return this.useFormat(format);
  }
}
