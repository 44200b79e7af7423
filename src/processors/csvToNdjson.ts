/**
 * `csv-to-ndjson`: S3 body → gunzip (when gzipped) → CSV → schema check → NDJSON → gzip (or
 * zstd) → sink. Streaming end to end: memory depends on the record and batch sizes, never the
 * file size. Outputs: `rows.ndjson.gz`, and `rejects.ndjson.gz` (row, line, reason, fields) when
 * a row is bad (`.zst` with `compression: 'zstd'`).
 */
import { CsvEtl } from './csv/etlTransform.js';
import { parseCsvOptions } from './csv/options.js';
import { checkRejectRatio, outputCompression, rejectsOutput, runNdjsonEtl } from './ndjsonEtl.js';
import { peekHead, startsWithGzipMagic } from './streams.js';
import type { Processor, ProcessorModule } from './types.js';

const processCsv: Processor = async (input, context, sink) => {
  const options = parseCsvOptions(context.options);
  const { head, stream } = await peekHead(input);
  const gzipped = context.source.key.endsWith('.gz') || startsWithGzipMagic(head);
  const compression = outputCompression(options);
  const etl = await runNdjsonEtl({ stream, gzipped }, sink, context.signal, {
    output: 'rows.ndjson',
    compression,
    limits: { place: 'csv', maxDecompressedBytes: options.maxDecompressedBytes, maxCompressionRatio: options.maxCompressionRatio },
    budget: { deadline: context.deadline, totalBytes: context.source.size },
    create: (openRejects) => new CsvEtl(options, openRejects),
  });
  const { rowsRejected, rowsIn } = etl.counts;
  checkRejectRatio('csv rows', 'rows', { rejected: rowsRejected, total: rowsIn }, options.maxRejectRatio, rejectsOutput(compression));
  return { counts: { ...etl.counts } };
};

const csvToNdjson: ProcessorModule = { name: 'csv-to-ndjson', version: '1.0.0', process: processCsv };
export default csvToNdjson;
