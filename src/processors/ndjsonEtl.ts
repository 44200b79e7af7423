/**
 * The plumbing both ETL processors share: body (gunzipped when needed) → their transform →
 * gzipped NDJSON output, plus a rejects output opened on the first bad record, and the
 * reject-ratio rule. Each processor keeps its parsing, counts and extra outputs.
 */
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import { RejectionError } from '../errors.js';
import { gzipRejection } from './streams.js';
import type { OutputRecord, ResultSink } from './types.js';

const NDJSON_TYPE = 'application/x-ndjson';

/**
 * Starts a sink write of a gzipped NDJSON stream; a failed write destroys the stream, failing the
 * pipeline. Destroyed without an error: a rejects stream has no 'error' listener, and an unheard
 * 'error' event would crash the process; the caller gets the error from `stored`.
 * zlib compresses on libuv's threadpool: a few batches of buffer let it run beside the parser.
 */
const gzipNdjsonOutput = (sink: ResultSink, name: string, level: number): { stream: Gzip; stored: Promise<OutputRecord> } => {
  const stream = createGzip({ level, chunkSize: 64 * 1024 });
  const stored = sink.write(name, stream, NDJSON_TYPE).catch((error: unknown) => {
    stream.destroy();
    throw error;
  });
  return { stream, stored };
};

export interface NdjsonEtlOptions<T extends Transform> {
  /** The output's name, e.g. `rows.ndjson.gz`. */
  readonly output: string;
  readonly gzipLevel: number;
  /** Options of the gunzip stage, when the body is gzipped. */
  readonly gunzip?: ZlibOptions;
  /** Builds the transform; `openRejects` starts `rejects.ndjson.gz` and returns its input. */
  readonly create: (openRejects: () => Writable) => T;
}

/**
 * Runs the transform over `body` and resolves with it once the output (and the rejects, if any)
 * are stored. A corrupt gzip body becomes a `RejectionError`.
 * @example const etl = await runNdjsonEtl({ stream, gzipped }, sink, signal, { output: 'rows.ndjson.gz', gzipLevel: 1, create })
 */
export const runNdjsonEtl = async <T extends Transform>(
  body: { readonly stream: Readable; readonly gzipped: boolean },
  sink: ResultSink,
  signal: AbortSignal,
  { output, gzipLevel, gunzip, create }: NdjsonEtlOptions<T>,
): Promise<T> => {
  const records = gzipNdjsonOutput(sink, output, gzipLevel);
  let rejects: ReturnType<typeof gzipNdjsonOutput> | undefined;
  const transform = create(() => {
    rejects = gzipNdjsonOutput(sink, 'rejects.ndjson.gz', gzipLevel);
    rejects.stored.catch((error: unknown) => transform.destroy(error instanceof Error ? error : new Error(String(error))));
    return rejects.stream;
  });
  try {
    const parsed = body.gzipped
      ? pipeline(body.stream, createGunzip(gunzip), transform, records.stream, { signal })
      : pipeline(body.stream, transform, records.stream, { signal });
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
export const checkRejectRatio = (place: string, unit: string, { rejected, total }: { rejected: number; total: number }, maxRatio: number): void => {
  const ratio = total === 0 ? 0 : rejected / total;
  if (ratio > maxRatio) {
    throw new RejectionError(
      `${place}: reject ratio must be at most ${maxRatio}, ${ratio.toFixed(4)} given (${rejected} of ${total} ${unit} rejected, see rejects.ndjson.gz)`,
    );
  }
};
