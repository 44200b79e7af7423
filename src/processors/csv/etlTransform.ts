/**
 * CSV bytes in, NDJSON bytes out: read records (`CsvReader`) → check the text rules → encode
 * each row against the schema, from bytes when it can (`compileByteRowEncoder`), through the
 * string encoder otherwise (which also names why a row is bad). Rejects are batched by
 * `NdjsonBatchTransform`; the output is written into `ByteOutput` and pushed in batches.
 */
import { isUtf8 } from 'node:buffer';
import type { TransformCallback } from 'node:stream';
import { RejectionError } from '../../errors.js';
import { NdjsonBatchTransform, type OpenRejects } from '../ndjsonBatches.js';
import { BATCH_BYTES, ByteOutput } from './byteOutput.js';
import type { CsvOptions } from './options.js';
import { CsvReader } from './reader.js';
import type { CsvRecord } from './record.js';
import { type ByteRowEncoder, compileByteRowEncoder, compileRowEncoder, type RowEncoder } from './rowEncoder.js';

export interface EtlCounts {
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
}

interface Encoders {
  readonly fromStrings: RowEncoder;
  readonly fromBytes: ByteRowEncoder;
  readonly worstCase: (recordBytes: number) => number;
  readonly names: readonly string[];
}

const fieldName = (names: readonly string[], i: number): string => names[i] || `field ${i + 1}`;

export class CsvEtl extends NdjsonBatchTransform {
  readonly counts: EtlCounts = { rowsIn: 0, rowsOut: 0, rowsRejected: 0 };
  private readonly reader: CsvReader;
  private readonly out = new ByteOutput();
  private encoders: Encoders | undefined;

  constructor(
    private readonly options: CsvOptions,
    openRejects: OpenRejects,
  ) {
    super(openRejects, { max: options.maxRejectedRows, place: 'csv rows', unit: 'rows', option: 'maxRejectedRows' });
    this.reader = new CsvReader(options, (record) => this.onRecord(record));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.guarded(callback, () => {
      this.reader.push(chunk);
      if (this.out.pos >= BATCH_BYTES) this.pushTaken();
      this.flushBatches(false, callback);
    });
  }

  override _flush(callback: TransformCallback): void {
    this.guarded(callback, () => {
      this.reader.end();
      if (this.encoders === undefined) this.noHeader();
      this.pushTaken();
      this.flushBatches(true, callback);
    });
  }

  private pushTaken(): void {
    const full = this.out.take();
    if (full !== undefined) this.push(full);
  }

  private onRecord(record: CsvRecord): void {
    const encoders = this.encoders;
    if (encoders === undefined) {
      this.encoders = this.header(record);
      return;
    }
    const row = ++this.counts.rowsIn;
    if (row > this.options.maxRows) throw new RejectionError(`csv: rows must be at most ${this.options.maxRows}, more given`);
    const textProblem = record.utf8 && !record.nul ? undefined : this.textProblem(record, encoders.names);
    if (textProblem !== undefined) {
      this.reject(row, record, textProblem);
      return;
    }
    const full = this.out.reserve(encoders.worstCase(record.end - record.start));
    if (full !== undefined) this.push(full);
    if (record.count === encoders.names.length && record.utf8 && encoders.fromBytes(record, this.out)) {
      this.counts.rowsOut++;
      return;
    }
    const encoded = encoders.fromStrings(record.texts());
    if (typeof encoded !== 'string') {
      this.reject(row, record, encoded.reason);
      return;
    }
    this.counts.rowsOut++;
    const more = this.out.reserve(3 * encoded.length);
    if (more !== undefined) this.push(more);
    this.out.text(encoded);
  }

  private reject(row: number, record: CsvRecord, reason: string): void {
    // With no bad row allowed, the first one decides: stop there, rather than read on (a file of bad rows would take minutes) to the same verdict.
    if (this.options.maxRejectRatio === 0) {
      throw new RejectionError(`csv rows: reject ratio must be at most 0, a bad row given (row ${row}, line ${record.line}: ${reason})`);
    }
    this.counts.rowsRejected++;
    this.rejectLine(`${JSON.stringify({ row, line: record.line, reason, fields: record.texts() })}\n`, `row ${row}, line ${record.line}: ${reason}`);
  }

  /** Invalid UTF-8 and NUL bytes reject the row, unless the route's options keep them. */
  private textProblem(record: CsvRecord, names: readonly string[]): string | undefined {
    if (!record.utf8 && this.options.invalidUtf8 === 'reject') {
      for (let i = 0; i < record.count; i++) if (!record.fieldUtf8(i, isUtf8)) return `${fieldName(names, i)}: must be valid UTF-8 text, invalid bytes given`;
    }
    if (record.nul && this.options.nulBytes === 'reject') {
      for (let i = 0; i < record.count; i++) if (record.fieldHasNul(i)) return `${fieldName(names, i)}: must not contain NUL bytes, a NUL byte given`;
    }
    return undefined;
  }

  private header(record: CsvRecord): Encoders {
    if (!record.utf8) throw new RejectionError('csv header: must be valid UTF-8 text, invalid bytes given');
    if (record.nul) throw new RejectionError('csv header: must not contain NUL bytes, a NUL byte given');
    const header = record.texts();
    if (header.some((name) => name.includes('\r'))) {
      throw new RejectionError('csv header: line endings must be LF or CRLF, CR alone given (a file saved with classic Mac OS line endings?)');
    }
    const { encode, worstCase } = compileByteRowEncoder(this.options.schema, header);
    return { fromStrings: compileRowEncoder(this.options.schema, header), fromBytes: encode, worstCase, names: header.map((name) => name.trim()) };
  }

  /** An empty file (or only blank lines) has no header to check against the schema: that is a rejection, not 0 rows. */
  private noHeader(): never {
    const { schema } = this.options;
    const required = schema.columns.filter((column) => column.required === true).map((column) => column.name);
    throw new RejectionError(`csv header: must contain the ${schema.name} columns ${required.join(', ')}, an empty file given`);
  }
}
