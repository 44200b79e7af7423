/**
 * Rejects a file early when it cannot finish before the worker's deadline. Without this a file
 * too big for the timeout is aborted, retried (5 receives) and lands in the DLQ, each try
 * burning a whole timeout (issue 11: a valid 1.6–2 GiB CSV did). The projection is the object's
 * bytes left at the rate measured so far; it waits for a minimum sample so a slow start (JIT
 * warm-up, a cold S3 connection) can't reject a file that would have made it.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { RejectionError } from '../errors.js';

export interface TimeBudget {
  /** When the run is aborted (epoch ms), `ProcessorContext.deadline`; no check without it. */
  readonly deadline?: number;
  /** The object's size in bytes, as read (before gunzip): `ProcessorContext.source.size`. */
  readonly totalBytes: number;
  /** The clock, replaceable in tests. */
  readonly now?: () => number;
}

/** No verdict before this much time has passed, nor before this share of the time budget. */
export const MIN_SAMPLE_MS = 2000;
const MIN_SAMPLE_SHARE = 0.05;

const seconds = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(1);

export class TimeBudgetCheck extends Transform {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly minSampleMs: number;
  private bytes = 0;

  /** The object's bytes passed on so far (before gunzip). */
  get bytesRead(): number {
    return this.bytes;
  }

  constructor(private readonly budget: TimeBudget | undefined) {
    super();
    this.now = budget?.now ?? Date.now;
    this.startedAt = this.now();
    const total = budget?.deadline === undefined ? 0 : budget.deadline - this.startedAt;
    this.minSampleMs = Math.max(MIN_SAMPLE_MS, total * MIN_SAMPLE_SHARE);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const deadline = this.budget?.deadline;
    if (deadline === undefined || this.budget === undefined) {
      callback(null, chunk);
      return;
    }
    const now = this.now();
    const elapsed = now - this.startedAt;
    const left = this.budget.totalBytes - this.bytes;
    if (elapsed < this.minSampleMs || left <= 0) {
      callback(null, chunk);
      return;
    }
    const needed = (left / this.bytes) * elapsed;
    if (now + needed <= deadline) {
      callback(null, chunk);
      return;
    }
    const rate = this.bytes / 1e6 / (elapsed / 1000);
    callback(
      new RejectionError(
        `processing time: must end before the worker's timeout, ${megabytes(this.budget.totalBytes)} MB at the ${rate.toFixed(1)} MB/s measured ` +
          `would need ${seconds(elapsed + needed)} s, ${seconds(deadline - this.startedAt)} s given; raise WORKER_TIMEOUT_SECONDS, or ` +
          'LAMBDA_MEMORY_MB (Lambda gives CPU in proportion), or refuse such files up front with a lower MAX_OBJECT_BYTES',
      ),
    );
  }
}
