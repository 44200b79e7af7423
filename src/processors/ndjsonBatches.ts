/**
 * The base of the ETL transforms. Rejects are batched into ~64 KiB strings, because writing one
 * row at a time costs more than the parsing itself (2 MB/s vs 14–18 MB/s measured for output in
 * issue 4; the transforms batch their output bytes themselves). Rejects go to their own output, opened on the first bad record so clean files get
 * no empty rejects file, and written with backpressure so they can't buffer without bound.
 * Past a cap of rejects the file itself is rejected: a file of bad records is a wrong file, and
 * copying 33 M bad rows to rejects took 28 × the time of as many bytes of good ones (issue 11).
 */
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { RejectionError } from '../errors.js';

export const BATCH_CHARS = 64 * 1024;

/** Bad records kept in the rejects output of one file, by default: ~0.1 s of work, a few MB of rejects. */
export const DEFAULT_MAX_REJECTED = 100_000;

export interface RejectCap {
  /** Bad records written to rejects; one more rejects the whole file. */
  readonly max: number;
  /** Where the reason starts, what a record is, the route option that raises `max` (if any). */
  readonly place: string;
  readonly unit: string;
  readonly option?: string;
}

const DEFAULT_CAP: RejectCap = { max: DEFAULT_MAX_REJECTED, place: 'rejects', unit: 'records' };

/** Opens the rejects output on the first bad record. */
export type OpenRejects = () => Writable;

export abstract class NdjsonBatchTransform extends Transform {
  private rejectBatch = '';
  private rejects: Writable | undefined;
  private rejected = 0;

  constructor(
    private readonly openRejects: OpenRejects,
    private readonly rejectCap: RejectCap = DEFAULT_CAP,
  ) {
    // Eight batches of output slack keep gzip (on another thread) busy while we parse.
    super({ writableHighWaterMark: BATCH_CHARS, readableHighWaterMark: 8 * BATCH_CHARS });
  }

  /** Runs `work`, handing what it throws to `callback`: a transform must not throw. */
  protected guarded(callback: TransformCallback, work: () => void): void {
    try {
      work();
    } catch (error: unknown) {
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * One NDJSON line (with its `\n`) of rejects; past the cap, rejects the file instead, naming
   * `where` (e.g. `row 9, line 10: quantity: must be …`) as the one too many.
   */
  protected rejectLine(line: string, where?: string): void {
    if (++this.rejected > this.rejectCap.max) this.tooManyRejects(where);
    this.rejectBatch += line;
  }

  private tooManyRejects(where: string | undefined): never {
    const { max, place, unit, option } = this.rejectCap;
    const raise = option === undefined ? '' : `; the route option ${option} raises the cap`;
    const last = where === undefined ? '' : ` (${where})`;
    throw new RejectionError(`${place}: rejected ${unit} must be at most ${max} per file, more given${last}${raise}`);
  }

  /** Writes a full batch of rejects (all of them when `final`), then calls back, after they drained. */
  protected flushBatches(final: boolean, callback: TransformCallback): void {
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
