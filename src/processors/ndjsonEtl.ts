/**
 * The plumbing both ETL processors share: body (gunzipped when needed) → their transform →
 * compressed NDJSON output (gzip, or zstd when the route asks), plus a rejects output opened on
 * the first bad record, the reject-ratio rule, and the time-budget check.
 * Each processor keeps its parsing, counts and extra outputs.
 */
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGunzip, createGzip, createZstdCompress, type ZlibOptions } from 'node:zlib';
import { RejectionError } from '../errors.js';
import { type DecompressedLimits, DecompressedSizeCheck } from './decompressedSize.js';
import type { CompressionOptions } from './options.js';
import { gzipRejection } from './streams.js';
import { type TimeBudget, TimeBudgetCheck } from './timeBudget.js';
import type { OutputRecord, ResultSink } from './types.js';

export type { TimeBudget } from './timeBudget.js';

const NDJSON_TYPE = 'application/x-ndjson';

export type OutputCompression = { readonly format: 'gzip'; readonly level: number } | { readonly format: 'zstd'; readonly level: number };

/** The compression a route's options ask for. */
export const outputCompression = ({ compression, gzipLevel, zstdLevel }: CompressionOptions): OutputCompression =>
  compression === 'gzip' ? { format: 'gzip', level: gzipLevel } : { format: 'zstd', level: zstdLevel };

/** The file extension of a compressed output, e.g. `rows.ndjson${compressedExtension(c)}`. */
export const compressedExtension = ({ format }: OutputCompression): string => (format === 'gzip' ? '.gz' : '.zst');

/** The name of the rejects output, opened on the first bad record. */
export const rejectsOutput = (compression: OutputCompression): string => `rejects.ndjson${compressedExtension(compression)}`;

/**
 * Starts a sink write of a compressed NDJSON stream; a failed write destroys the stream, failing
 * the pipeline. Destroyed without an error: a rejects stream has no 'error' listener, and an
 * unheard 'error' event would crash the process; the caller gets the error from `stored`.
 * zlib compresses on libuv's threadpool: a few batches of buffer let it run beside the parser.
 */
const compressedNdjsonOutput = (sink: ResultSink, name: string, compression: OutputCompression): { stream: Transform; stored: Promise<OutputRecord> } => {
  const stream =
    compression.format === 'gzip'
      ? createGzip({ level: compression.level, chunkSize: 64 * 1024 })
      : createZstdCompress({ chunkSize: 64 * 1024, params: { [constants.ZSTD_c_compressionLevel]: compression.level } });
  const stored = sink.write(name, stream, NDJSON_TYPE).catch((error: unknown) => {
    stream.destroy();
    throw error;
  });
  return { stream, stored };
};

export interface NdjsonEtlOptions<T extends Transform> {
  /** The output's name without its extension, e.g. `rows.ndjson` (`.gz` or `.zst` is added). */
  readonly output: string;
  /** How the outputs are compressed; the rejects output is `rejects.ndjson.gz` or `.zst` to match. */
  readonly compression: OutputCompression;
  /** When given, a file that cannot finish before `deadline` is rejected early (see `timeBudget.ts`). */
  readonly budget?: TimeBudget;
  /** Options of the gunzip stage, when the body is gzipped. */
  readonly gunzip?: ZlibOptions;
  /** Caps on the bytes after gunzip: their size, and for gzip their ratio to the bytes read (`decompressedSize.ts`). */
  readonly limits: DecompressedLimits;
  /** Builds the transform; `openRejects` starts `rejects.ndjson.gz` and returns its input. */
  readonly create: (openRejects: () => Writable) => T;
}

/**
 * Runs the transform over `body` and resolves with it once the output (and the rejects, if any)
 * are stored. A corrupt gzip body becomes a `RejectionError`.
 * @example const etl = await runNdjsonEtl({ stream, gzipped }, sink, signal, { output: 'rows.ndjson', compression, limits, create })
 */
export const runNdjsonEtl = async <T extends Transform>(
  body: { readonly stream: Readable; readonly gzipped: boolean },
  sink: ResultSink,
  signal: AbortSignal,
  { output, compression, budget, gunzip, limits, create }: NdjsonEtlOptions<T>,
): Promise<T> => {
  const records = compressedNdjsonOutput(sink, `${output}${compressedExtension(compression)}`, compression);
  let rejects: ReturnType<typeof compressedNdjsonOutput> | undefined;
  const transform = create(() => {
    rejects = compressedNdjsonOutput(sink, rejectsOutput(compression), compression);
    rejects.stored.catch((error: unknown) => transform.destroy(error instanceof Error ? error : new Error(String(error))));
    return rejects.stream;
  });
  try {
    // Counts the bytes read (the object's, before gunzip) against the time left; passes them on as they are.
    const budgetCheck = new TimeBudgetCheck(budget);
    // Counts what gunzip gives out (or the plain body) against the caps, and for gzip against what was read.
    const sizeCheck = new DecompressedSizeCheck(limits, body.gzipped ? () => budgetCheck.bytesRead : undefined);
    const parsed = body.gzipped
      ? pipeline(body.stream, budgetCheck, createGunzip(gunzip), sizeCheck, transform, records.stream, { signal })
      : pipeline(body.stream, budgetCheck, sizeCheck, transform, records.stream, { signal });
    await Promise.all([parsed, records.stored]);
    await rejects?.stored;
  } catch (error: unknown) {
    // The rejects output is outside the pipeline: end its upload too.
    rejects?.stream.destroy();
    throw gzipRejection(error);
  }
  return transform;
};

/**
 * The file is rejected when the share of bad records passes `maxRatio`.
 * @example checkRejectRatio('csv rows', 'rows', { rejected: 3, total: 10 }, 0.1) // throws
 */
export const checkRejectRatio = (
  place: string,
  unit: string,
  { rejected, total }: { rejected: number; total: number },
  maxRatio: number,
  rejectsName = 'rejects.ndjson.gz',
): void => {
  const ratio = total === 0 ? 0 : rejected / total;
  if (ratio > maxRatio) {
    throw new RejectionError(
      `${place}: reject ratio must be at most ${maxRatio}, ${ratio.toFixed(4)} given (${rejected} of ${total} ${unit} rejected, see ${rejectsName})`,
    );
  }
};
