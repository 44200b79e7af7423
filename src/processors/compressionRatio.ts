/**
 * Rejects a gzip body that inflates to more than `maxRatio` × the compressed bytes read so far:
 * a decompression bomb (1 MB of gzip can hold 1 GB of newlines) is refused after a few MB
 * instead of being inflated up to the size cap. Checked only once `MIN_INFLATED_BYTES` have come
 * out, so a small, very repetitive file passes. Bytes read but still inside gunzip count as
 * read, so the measured ratio is never above the true one.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { RejectionError } from '../errors.js';

export const MIN_INFLATED_BYTES = 16 * 1024 ** 2;

export class CompressionRatioCheck extends Transform {
  private inflated = 0;

  constructor(
    private readonly compressedBytes: () => number,
    private readonly maxRatio: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.inflated += chunk.length;
    const compressed = this.compressedBytes();
    if (this.inflated < MIN_INFLATED_BYTES || this.inflated <= this.maxRatio * compressed) {
      callback(null, chunk);
      return;
    }
    const ratio = (this.inflated / compressed).toFixed(0);
    callback(
      new RejectionError(
        `gzip: compression ratio must be at most ${this.maxRatio}, ${ratio} given (${this.inflated} bytes inflated from the first ${compressed}); ` +
          'the route option maxCompressionRatio raises the cap',
      ),
    );
  }
}
