/**
 * The base of the ETL transforms: output and rejects are batched into ~64 KiB strings, because
 * pushing one row at a time costs more than the parsing itself (2 MB/s vs 14–18 MB/s measured in
 * issue 4). Rejects go to their own output, opened on the first bad record so clean files get
 * no empty rejects file, and written with backpressure so they can't buffer without bound.
 */
import { Transform, type TransformCallback, type Writable } from 'node:stream';

export const BATCH_CHARS = 64 * 1024;

/** Opens the rejects output on the first bad record. */
export type OpenRejects = () => Writable;

export abstract class NdjsonBatchTransform extends Transform {
  private batch = '';
  private rejectBatch = '';
  private rejects: Writable | undefined;

  constructor(private readonly openRejects: OpenRejects) {
    // Eight batches of output slack keep gzip (on another thread) busy while we parse.
    super({ writableHighWaterMark: BATCH_CHARS, readableHighWaterMark: 8 * BATCH_CHARS });
  }

  /** One NDJSON line (with its `\n`) of output. */
  protected pushLine(line: string): void {
    this.batch += line;
    if (this.batch.length >= BATCH_CHARS) {
      this.push(this.batch);
      this.batch = '';
    }
  }

  /** One NDJSON line (with its `\n`) of rejects. */
  protected rejectLine(line: string): void {
    this.rejectBatch += line;
  }

  /** Hands full batches on (all of them when `final`), then calls back, after the rejects drained. */
  protected flushBatches(final: boolean, callback: TransformCallback): void {
    if (final && this.batch !== '') this.push(this.batch);
    if (final) this.batch = '';
    if (this.rejectBatch.length < (final ? 1 : BATCH_CHARS)) {
      if (final) this.rejects?.end();
      callback();
      return;
    }
    this.rejects ??= this.openRejects();
    const drained = this.rejects.write(this.rejectBatch);
    this.rejectBatch = '';
    if (final) this.rejects.end(callback);
    else if (drained) callback();
    else this.rejects.once('drain', () => callback());
  }
}
