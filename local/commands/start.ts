/**
 * `npm start`: LocalStack + a deploy of the `local` stage + the local loop (the event source
 * invoking the worker through `sls offline`), until Ctrl-C. Prints one line per file and a status
 * line (`--json`: one JSON object per line); the worker's own logs go to .localstack/worker.log.
 * Ctrl-C once: "stopping…", the batches in flight finish, `sls offline` and the LocalStack this
 * command started are stopped. Ctrl-C again: exits at once, still stopping them. One worker per
 * stage: a second `npm start` says which process runs it.
 * Upload under incoming/orders/ or incoming/images/ of the upload bucket to see it work.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadStageSettings } from '../../src/config/settings.js';
import { StoppedError, bringUpLocalStage, type LocalStage } from '../bringUp.js';
import type { BatchOutcome } from '../eventSource/sqsEventSource.js';
import { fileOutcomes } from '../fileOutcomes.js';
import { interruptListener } from '../interrupts.js';
import { queueDepths, startOutput } from '../startOutput.js';
import { runWorkerLoop } from '../workerLoop.js';
import { WorkerAlreadyRunningError, acquireWorkerLock } from '../workerLock.js';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const WORKER_LOG = path.join('.localstack', 'worker.log');
const STATUS_EVERY_MS = 2_000;

const args = process.argv.slice(2);
const unknown = args.find((arg) => arg !== '--json');
if (unknown !== undefined) {
  console.error(`npm start: unknown option '${unknown}'; usage: npm start [-- --json]`);
  process.exit(2);
}
const output = startOutput({ json: args.includes('--json') });

try {
  acquireWorkerLock('local');
} catch (error: unknown) {
  if (!(error instanceof WorkerAlreadyRunningError)) throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(1);
}

const controller = new AbortController();
const onInterrupt = interruptListener({
  onFirst: () => {
    output.info('stopping… (letting the batches in flight finish; Ctrl-C again exits at once)', { event: 'stopping' });
    controller.abort();
  },
  // The exit handlers kill `sls offline`, the deploy, and the LocalStack this command started.
  onSecond: () => {
    output.info('exiting now', { event: 'exiting' });
    output.close();
    process.exit(130);
  },
});
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onInterrupt);

/** Resolves each finished batch's files (a manifest read per file) and prints them; awaited before exit. */
const reportFiles = (stage: LocalStage, maxReceives: number) => {
  const s3 = new S3Client({});
  const pending = new Set<Promise<void>>();
  const sources = { s3, uploadBucket: stage.outputs.UploadBucketName, resultsBucket: stage.outputs.ResultsBucketName, maxReceives };
  const onBatch = (batch: BatchOutcome) => {
    const report = fileOutcomes(batch, sources)
      .then((outcomes) => outcomes.forEach(output.file))
      .catch((error: unknown) => output.info(`could not read the outcome of a batch of ${batch.records.length}: ${String(error)}`, { event: 'error' }))
      .finally(() => pending.delete(report));
    pending.add(report);
  };
  return { onBatch, settled: () => Promise.all(pending) };
};

/** Polls the queue and DLQ depths for the status line until `signal` aborts. */
const pollStatus = (stage: LocalStage, signal: AbortSignal) => {
  const sqs = new SQSClient({});
  const tick = () => queueDepths(sqs, stage.outputs.QueueUrl, stage.outputs.DeadLetterQueueUrl).then(output.status, () => undefined);
  const timer = setInterval(tick, STATUS_EVERY_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  void tick();
};

const main = async () => {
  const stage = await bringUpLocalStage({ say: (line) => output.info(line), signal: controller.signal });
  const status = new AbortController();
  try {
    mkdirSync(path.join(PROJECT_ROOT, '.localstack'), { recursive: true });
    writeFileSync(path.join(PROJECT_ROOT, WORKER_LOG), '');
    const files = reportFiles(stage, loadStageSettings('local', process.env).maxReceives);
    await runWorkerLoop({
      signal: controller.signal,
      offlineOutput: { file: path.join(PROJECT_ROOT, WORKER_LOG) },
      onReady: (description, outputs) => {
        output.info(`worker ${description}`, { event: 'ready', ...outputs, workerLog: WORKER_LOG });
        output.info(
          `upload to s3://${outputs.UploadBucketName}/incoming/…, results in s3://${outputs.ResultsBucketName}/; worker log: ${WORKER_LOG}; Ctrl-C stops.`,
        );
        pollStatus(stage, AbortSignal.any([controller.signal, status.signal]));
      },
      onBatch: files.onBatch,
    });
    await files.settled();
  } finally {
    status.abort();
    output.close();
    await stage.stop();
  }
  output.info('stopped', { event: 'stopped' });
};

try {
  await main();
} catch (error: unknown) {
  output.close();
  if (error instanceof StoppedError) {
    output.info('stopped', { event: 'stopped' });
  } else {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
