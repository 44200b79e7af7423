/**
 * Log bytes in, normalized NDJSON text out: decode → split lines → parse → summarize → encode.
 * Output and rejects are batched by `NdjsonBatchTransform`. Only an incomplete last line is kept
 * between chunks, and it is capped at `maxLineLength`, so memory is flat and time linear.
 */
import { StringDecoder } from 'node:string_decoder';
import type { TransformCallback } from 'node:stream';
import { RejectionError } from '../../errors.js';
import { NdjsonBatchTransform, type OpenRejects } from '../ndjsonBatches.js';
import { type ConcreteFormat, detectFormat, type LineParser, lineParser, undetectedReason } from './formats.js';
import type { AccessLogOptions } from './options.js';
import { isRejection } from './record.js';
import { type LineCounts, SummaryBuilder } from './summary.js';

const BOM = '\uFEFF';

export class AccessLogTransform extends NdjsonBatchTransform {
  readonly counts: LineCounts = { linesIn: 0, linesOut: 0, linesRejected: 0 };
  readonly summary: SummaryBuilder;
  format: ConcreteFormat | undefined;
  private parser: LineParser | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private line = 0;
  private bytes = 0;

  constructor(
    private readonly options: AccessLogOptions,
    openRejects: OpenRejects,
  ) {
    super(openRejects);
    this.summary = new SummaryBuilder(options.topCapacity);
    if (options.format !== 'auto') this.useFormat(options.format);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxDecompressedBytes) {
      callback(new RejectionError(`access-logs: decompressed size must be at most ${this.options.maxDecompressedBytes} bytes, more given`));
      return;
    }
    this.guarded(callback, () => {
      this.splitLines(this.decoder.write(chunk));
      this.flushBatches(false, callback);
    });
  }

  override _flush(callback: TransformCallback): void {
    this.guarded(callback, () => {
      this.splitLines(this.decoder.end());
      if (this.pending !== '') this.onLine(this.pending);
      this.pending = '';
      this.flushBatches(true, callback);
    });
  }

  private guarded(callback: TransformCallback, work: () => void): void {
    try {
      work();
    } catch (error: unknown) {
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private useFormat(format: ConcreteFormat): LineParser {
    this.format = format;
    this.parser = lineParser(format, this.options);
    return this.parser;
  }

  /** Whole lines go to `onLine`; the rest waits for the next chunk (searched from where it ended). */
  private splitLines(text: string): void {
    if (text === '') return;
    let from = this.pending.length;
    const all = this.pending === '' ? text : this.pending + text;
    let start = 0;
    for (let newline = all.indexOf('\n', from); newline !== -1; newline = all.indexOf('\n', from)) {
      this.onLine(all.slice(start, newline));
      start = newline + 1;
      from = start;
    }
    this.pending = start === 0 ? all : all.slice(start);
    if (this.pending.length > this.options.maxLineLength) this.tooLong(this.line + 1);
  }

  private tooLong(line: number): never {
    throw new RejectionError(`line ${line}: length must be at most ${this.options.maxLineLength} characters, more given`);
  }

  private onLine(raw: string): void {
    const number = ++this.line;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (number === 1 && line.startsWith(BOM)) line = line.slice(1);
    if (line.length > this.options.maxLineLength) this.tooLong(number);
    if (line.trim() === '') return;
    const parse = this.parser ?? this.detect(line);
    const result = parse(line);
    if (result === undefined) return;
    if (++this.counts.linesIn > this.options.maxLines) throw new RejectionError(`access-logs: lines must be at most ${this.options.maxLines}, more given`);
    if (isRejection(result)) {
      this.counts.linesRejected++;
      this.rejectLine(`${JSON.stringify({ line: number, reason: result.reason, text: line })}\n`);
      return;
    }
    this.counts.linesOut++;
    this.summary.add(result);
    this.pushLine(`${JSON.stringify(result)}\n`);
  }

  private detect(line: string): LineParser {
    const format = detectFormat(line);
    if (format === undefined) throw new RejectionError(undetectedReason(line));
    return this.useFormat(format);
  }
}
