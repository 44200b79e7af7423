/**
 * The caps on what the ETL routes read after gunzip, checked once for both, between the body
 * (gunzipped when it is gzip) and the route's transform:
 * - the size: a 10 MB .gz can inflate to terabytes (plain bodies count too);
 * - for gzip, the ratio to the compressed bytes read so far: a decompression bomb (1 MB of gzip
 *   can hold 1 GB of newlines) is refused after a few MB instead of inflating up to the size cap.
 *   Checked only once `MIN_INFLATED_BYTES` have come out, so a small, very repetitive file
 *   passes. Bytes read but still inside gunzip count as read, so the measured ratio is never
 *   above the true one.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { RejectionError } from '../errors.js';

export const MIN_INFLATED_BYTES = 16 * 1024 ** 2;

export interface DecompressedLimits {
  /** Names the route in the size reason, e.g. `csv`. */
  readonly place: string;
  readonly maxDecompressedBytes: number;
  readonly maxCompressionRatio: number;
}

export class DecompressedSizeCheck extends Transform {
  private inflated = 0;

  /** `compressedBytes`: the body's bytes read so far, when it is gzip; without it, no ratio check. */
  constructor(
    private readonly limits: DecompressedLimits,
    private readonly compressedBytes?: () => number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.inflated += chunk.length;
    const { place, maxDecompressedBytes, maxCompressionRatio } = this.limits;
    if (this.inflated > maxDecompressedBytes) {
      callback(new RejectionError(`${place}: decompressed size must be at most ${maxDecompressedBytes} bytes, more given`));
      return;
    }
    const compressed = this.compressedBytes?.() ?? 0;
    if (this.compressedBytes === undefined || this.inflated < MIN_INFLATED_BYTES || this.inflated <= maxCompressionRatio * compressed) {
      callback(null, chunk);
      return;
    }
    const ratio = (this.inflated / compressed).toFixed(0);
    callback(
      new RejectionError(
        `gzip: compression ratio must be at most ${maxCompressionRatio}, ${ratio} given (${this.inflated} bytes inflated from the first ${compressed}); ` +
          'the route option maxCompressionRatio raises the cap',
      ),
    );
  }
}
