/**
 * `access-logs`: ALB, CloudFront or JSON-lines logs → gunzip (when gzipped) → parse each line →
 * normalized NDJSON → gzip → sink, plus a per-file summary. Streaming end to end: memory depends
 * on the line length and the summary's fixed-size structures, never on the file.
 * Outputs: `records.ndjson.gz`, `summary.json`, and `rejects.ndjson.gz` (line, reason, text)
 * when a line is bad.
 */
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { RejectionError } from '../errors.js';
import { AccessLogTransform } from './accessLogs/logTransform.js';
import { type AccessLogOptions, parseAccessLogOptions } from './accessLogs/options.js';
import type { LineCounts } from './accessLogs/summary.js';
import { gzipNdjsonOutput, gzipRejection, peekHead, startsWithGzipMagic } from './streams.js';
import type { Processor, ProcessorModule } from './types.js';

const checkRejectRatio = (counts: LineCounts, options: AccessLogOptions): void => {
  const ratio = counts.linesIn === 0 ? 0 : counts.linesRejected / counts.linesIn;
  if (ratio > options.maxRejectRatio) {
    throw new RejectionError(
      `access-logs lines: reject ratio must be at most ${options.maxRejectRatio}, ${ratio.toFixed(4)} given (${counts.linesRejected} of ${counts.linesIn} lines rejected, see rejects.ndjson.gz)`,
    );
  }
};

const processAccessLogs: Processor = async (input, context, sink) => {
  const options = parseAccessLogOptions(context.options);
  const { head, stream } = await peekHead(input);
  const gzipped = context.source.key.toLowerCase().endsWith('.gz') || startsWithGzipMagic(head);
  const records = gzipNdjsonOutput(sink, 'records.ndjson.gz', options.gzipLevel);
  let rejects: ReturnType<typeof gzipNdjsonOutput> | undefined;
  const logs = new AccessLogTransform(options, () => {
    rejects = gzipNdjsonOutput(sink, 'rejects.ndjson.gz', options.gzipLevel);
    rejects.stored.catch((error: unknown) => logs.destroy(error instanceof Error ? error : new Error(String(error))));
    return rejects.stream;
  });
  const { signal } = context;
  try {
    // 64 KiB gunzip chunks (default 16): a quarter of the threadpool round trips, ~10% faster on the bench.
    const parsed = gzipped
      ? pipeline(stream, createGunzip({ chunkSize: 64 * 1024 }), logs, records.stream, { signal })
      : pipeline(stream, logs, records.stream, { signal });
    await Promise.all([parsed, records.stored]);
    await rejects?.stored;
  } catch (error: unknown) {
    // The rejects output is outside the pipeline: end its upload too.
    rejects?.stream.destroy();
    throw gzipRejection(error);
  }
  checkRejectRatio(logs.counts, options);
  const summary = logs.summary.summary(logs.counts, logs.format ?? null);
  await sink.write('summary.json', Buffer.from(`${JSON.stringify(summary, null, 2)}\n`), 'application/json');
  const { byStatusClass } = summary.requests;
  return {
    counts: {
      ...logs.counts,
      requests2xx: byStatusClass['2xx'],
      requests3xx: byStatusClass['3xx'],
      requests4xx: byStatusClass['4xx'],
      requests5xx: byStatusClass['5xx'],
      bytesSent: summary.bytesSent,
    },
  };
};

const accessLogs: ProcessorModule = { name: 'access-logs', version: '1.0.0', process: processAccessLogs };
export default accessLogs;
