/**
 * The string ETL as it was before issue 11 (src/processors/csv/etlTransform.ts then), kept
 * unchanged as the reference the byte-level ETL must match (csvEquivalence.test.ts).
 *
 * CSV bytes in, NDJSON text out: decode → parse → encode each row against the schema.
 * Output is batched into ~64 KiB strings here, rejects by `NdjsonBatchTransform`.
 */
import { StringDecoder } from 'node:string_decoder';
import type { TransformCallback } from 'node:stream';
import { RejectionError } from '../../../src/errors.js';
import { BATCH_CHARS, NdjsonBatchTransform, type OpenRejects } from '../../../src/processors/ndjsonBatches.js';
import { CsvParser } from './csvParser.js';
import type { CsvOptions } from '../../../src/processors/csv/options.js';
import { compileRowEncoder, type RowEncoder } from '../../../src/processors/csv/rowEncoder.js';

const BOM = '\uFEFF';

export interface EtlCounts {
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
}

export class ReferenceCsvEtl extends NdjsonBatchTransform {
  readonly counts: EtlCounts = { rowsIn: 0, rowsOut: 0, rowsRejected: 0 };
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser: CsvParser;
  private encoder: RowEncoder | undefined;
  private bytes = 0;
  private started = false;
  private batch = '';

  constructor(
    private readonly options: CsvOptions,
    openRejects: OpenRejects,
  ) {
    super(openRejects);
    this.parser = new CsvParser(options, (fields, line) => this.onRecord(fields, line));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.bytes += chunk.length;
      if (this.bytes > this.options.maxDecompressedBytes) {
        throw new RejectionError(`csv: decompressed size must be at most ${this.options.maxDecompressedBytes} bytes, more given`);
      }
      this.parseText(this.decoder.write(chunk));
      this.flushBatches(false, callback);
    } catch (error: unknown) {
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.parseText(this.decoder.end());
      this.parser.end();
      if (this.batch !== '') this.push(this.batch);
      this.flushBatches(true, callback);
    } catch (error: unknown) {
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private parseText(text: string): void {
    if (text === '') return;
    if (!this.started) {
      this.started = true;
      if (text.startsWith(BOM)) text = text.slice(1);
    }
    this.parser.push(text);
  }

  /** One NDJSON line (with its `\n`) of output. */
  private pushLine(line: string): void {
    this.batch += line;
    if (this.batch.length >= BATCH_CHARS) {
      this.push(this.batch);
      this.batch = '';
    }
  }

  private onRecord(fields: string[], line: number): void {
    if (this.encoder === undefined) {
      this.encoder = compileRowEncoder(this.options.schema, fields);
      return;
    }
    const row = ++this.counts.rowsIn;
    if (row > this.options.maxRows) throw new RejectionError(`csv: rows must be at most ${this.options.maxRows}, more given`);
    const encoded = this.encoder(fields);
    if (typeof encoded === 'string') {
      this.counts.rowsOut++;
      this.pushLine(encoded);
      return;
    }
    this.counts.rowsRejected++;
    this.rejectLine(`${JSON.stringify({ row, line, reason: encoded.reason, fields })}\n`);
  }
}
