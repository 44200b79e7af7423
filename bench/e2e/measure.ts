/**
 * One measured phase of the end-to-end benchmark: `files` small orders CSVs through the deployed
 * `local` stack on LocalStack, the worker in-process (tests/integration/helpers/worker.ts).
 * - `burst`: the worker runs while the files are uploaded, `uploadConcurrency` at a time;
 *   throughput = files / (last manifest written − first upload started), latency per file =
 *   manifest written − its PutObject answered (the object exists, its notification is on its way).
 *   Uploads outrun the worker, so latency here is mostly the backlog.
 * - `paced`: as `burst`, but the uploads start at a fixed `pacedRate` (files/s) below capacity:
 *   the latency of one file through an unloaded pipeline.
 * - `drain`: the files are uploaded and their notifications queued first, then the worker starts;
 *   throughput = files / (last manifest written − worker started). Latency is queueing here, so none.
 */
import type { StackOutputs } from '../../local/stack.js';
import { forEachWithLimit } from '../../src/batch/forEachWithLimit.js';
import type { ProcessorModule } from '../../src/processors/types.js';
import { manifestKey } from '../../src/storage/resultKeys.js';
import { depth, purge, put, sleep, until } from '../../tests/integration/helpers/aws.js';
import { routesWith, startWorker } from '../../tests/integration/helpers/worker.js';
import { ordersCsv } from '../../tests/helpers/orders.js';

export type Phase = 'drain' | 'burst' | 'paced';

export interface Contender {
  readonly name: string;
  /** Undefined: the real registry and routes (csv-to-ndjson for these files). */
  readonly processor?: ProcessorModule;
}

export interface PhaseResult {
  readonly contender: string;
  readonly phase: Phase;
  readonly files: number;
  readonly seconds: number;
  readonly filesPerSecond: number;
  /** Milliseconds, sorted ascending; empty for `drain`. */
  readonly latencies: readonly number[];
}

/** Reads nothing and writes nothing but the manifest: the local limit of S3 + SQS + the chain. */
export const noopProcessor: ProcessorModule = {
  name: 'noop',
  version: '0.0.0',
  process: async (input) => {
    // The body must be consumed or destroyed, or its socket stays taken from the SDK's pool.
    input.destroy();
    return { counts: {} };
  },
};

/** The no-op plus one tiny output: what one more S3 PUT per file costs on LocalStack. */
export const oneOutputProcessor: ProcessorModule = {
  name: 'noop-one-output',
  version: '0.0.0',
  process: async (input, _context, sink) => {
    input.destroy();
    await sink.write('out.txt', Buffer.from('x'), 'text/plain');
    return { counts: {} };
  },
};

const SMALL_CSV = ordersCsv([{}, {}, {}]);

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

export const measurePhase = async (
  stack: StackOutputs,
  contender: Contender,
  phase: Phase,
  options: { files: number; uploadConcurrency: number; pacedRate: number; prefix: string },
): Promise<PhaseResult> => {
  const { files, uploadConcurrency } = options;
  const prefix = `${options.prefix}${contender.name}-${phase}/`;
  const keys = Array.from({ length: files }, (_, i) => `${prefix}file-${String(i).padStart(5, '0')}.csv`);
  await purge(stack.QueueUrl, stack.DeadLetterQueueUrl);
  const uploadedAt = new Map<string, number>();
  let firstUploadStarted = 0;
  const index = new Map(keys.map((key, i) => [key, i]));
  const upload = async () => {
    firstUploadStarted = Date.now();
    await forEachWithLimit(keys, uploadConcurrency, async (key) => {
      if (phase === 'paced') await sleep(firstUploadStarted + ((index.get(key) ?? 0) * 1000) / options.pacedRate - Date.now());
      await put(stack.UploadBucketName, key, SMALL_CSV);
      uploadedAt.set(key, Date.now());
    });
  };
  const processor = contender.processor;
  const workerOptions = processor === undefined ? { stack } : { stack, routes: routesWith(processor.name), loadProcessor: async () => processor };

  if (phase === 'drain') {
    await upload();
    await until(`${files} notifications queued`, async () => (await depth(stack.QueueUrl)) >= files, 120_000, 500);
  }
  const worker = await startWorker(workerOptions);
  const workerStarted = Date.now();
  if (phase !== 'drain') await upload();
  await worker.runUntil(`${files} manifests (${contender.name}, ${phase})`, async () => worker.manifests.written.size >= files, 600_000);
  const done = Math.max(...keys.map((key) => worker.manifests.writtenAt.get(manifestKey(key)) ?? Number.NaN));
  const started = phase === 'drain' ? workerStarted : firstUploadStarted;
  const seconds = (done - started) / 1000;
  const latencies =
    phase !== 'drain'
      ? keys.map((key) => (worker.manifests.writtenAt.get(manifestKey(key)) ?? Number.NaN) - (uploadedAt.get(key) ?? Number.NaN)).sort((a, b) => a - b)
      : [];
  return { contender: contender.name, phase, files, seconds, filesPerSecond: files / seconds, latencies };
};
