/**
 * `csv-to-ndjson`: S3 body → gunzip (when gzipped) → CSV → schema check → NDJSON → gzip → sink.
 * Streaming end to end: memory depends on the record and batch sizes, never the file size.
 * Outputs: `rows.ndjson.gz`, and `rejects.ndjson.gz` (row, line, reason, fields) when a row is bad.
 */
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { RejectionError } from '../errors.js';
import { CsvEtl, type EtlCounts } from './csv/etlTransform.js';
import { parseCsvOptions, type CsvOptions } from './csv/options.js';
import { gzipNdjsonOutput, gzipRejection, peekHead, startsWithGzipMagic } from './streams.js';
import type { Processor, ProcessorModule } from './types.js';

const checkRejectRatio = (counts: EtlCounts, options: CsvOptions): void => {
  const ratio = counts.rowsIn === 0 ? 0 : counts.rowsRejected / counts.rowsIn;
  if (ratio > options.maxRejectRatio) {
    throw new RejectionError(
      `csv rows: reject ratio must be at most ${options.maxRejectRatio}, ${ratio.toFixed(4)} given (${counts.rowsRejected} of ${counts.rowsIn} rows rejected, see rejects.ndjson.gz)`,
    );
  }
};

const processCsv: Processor = async (input, context, sink) => {
  const options = parseCsvOptions(context.options);
  const { head, stream } = await peekHead(input);
  const gzipped = context.source.key.endsWith('.gz') || startsWithGzipMagic(head);
  const rows = gzipNdjsonOutput(sink, 'rows.ndjson.gz', options.gzipLevel);
  let rejects: ReturnType<typeof gzipNdjsonOutput> | undefined;
  const etl = new CsvEtl(options, () => {
    rejects = gzipNdjsonOutput(sink, 'rejects.ndjson.gz', options.gzipLevel);
    rejects.stored.catch((error: unknown) => etl.destroy(error instanceof Error ? error : new Error(String(error))));
    return rejects.stream;
  });
  const { signal } = context;
  try {
    const parsed = gzipped ? pipeline(stream, createGunzip(), etl, rows.stream, { signal }) : pipeline(stream, etl, rows.stream, { signal });
    await Promise.all([parsed, rows.stored]);
    await rejects?.stored;
  } catch (error: unknown) {
    // The rejects output is outside the pipeline: end its upload too.
    rejects?.stream.destroy();
    throw gzipRejection(error);
  }
  checkRejectRatio(etl.counts, options);
  return { counts: { ...etl.counts } };
};

const csvToNdjson: ProcessorModule = { name: 'csv-to-ndjson', version: '1.0.0', process: processCsv };
export default csvToNdjson;
