/**
 * The local loop: the deployed `local` stack's queue, read with Lambda's SQS event-source
 * semantics (eventSource/), invoking the worker function as serverless.ts declares it, run by
 * serverless-offline (offlineLambda.ts). The event source's own settings (batch size, window,
 * concurrency) come from `.env` and loadStageSettings('local'), as serverless.ts reads them, and a
 * stack deployed with other settings is refused.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { stackNameFor, workerFunctionNameFor } from '../infra/service.js';
import { type StageSettings, loadDotEnv, loadStageSettings, visibilityTimeoutSeconds } from '../src/config/settings.js';
import { LAMBDA_NODE_OPTIONS } from '../infra/workerEnvironment.js';
import { type BatchOutcome, startEventSource } from './eventSource/sqsEventSource.js';
import { OfflineLambda, type OfflineOptions } from './offlineLambda.js';
import { type QueueAttributes, type StackOutputs, localStackEnv, queueAttributes, stackOutputs } from './stack.js';

/** serverless-offline's Lambda API port; serverless.ts reads the same variable. */
export const offlineLambdaPort = (env: NodeJS.ProcessEnv = process.env): number => Number(env.OFFLINE_LAMBDA_PORT || '3002');

export interface WorkerLoopOptions {
  readonly signal: AbortSignal;
  readonly onBatch?: (outcome: BatchOutcome) => void;
  /** Called once the event source polls, with a one-line description. */
  readonly onReady?: (description: string, outputs: StackOutputs) => void;
  /** Where `sls offline` writes its output and the function's logs (default: this terminal). */
  readonly offlineOutput?: OfflineOptions['output'];
}

/** One line per batch for a person watching the worker. */
export const describeBatch = ({ messageIds, failedIds, error }: BatchOutcome): string =>
  `batch of ${messageIds.length}: ${messageIds.length - failedIds.length} done, ${failedIds.length} back to the queue${error === undefined ? '' : ` (${String(error)})`}`;

/**
 * Why the deployed queue does not fit these settings (Lift: visibility = 6 × timeout + window),
 * or `undefined`. A mismatch means `.env` changed since the last deploy.
 */
export const deployedMismatch = (settings: StageSettings, queue: QueueAttributes): string | undefined => {
  const expected = visibilityTimeoutSeconds(settings);
  if (queue.visibilityTimeoutSeconds === expected && queue.maxReceiveCount === settings.maxReceives) return undefined;
  return (
    `the local stack was deployed with other settings (visibility ${queue.visibilityTimeoutSeconds} s and ${queue.maxReceiveCount ?? '∞'} receives, ` +
    `these settings need ${expected} s and ${settings.maxReceives}); run 'npm run deploy:local' again`
  );
};

/** Runs until `signal` aborts, then lets the batches in flight finish and stops `sls offline`. */
export const runWorkerLoop = async ({ signal, onBatch, onReady, offlineOutput = 'inherit' }: WorkerLoopOptions): Promise<void> => {
  if (signal.aborted) return;
  loadDotEnv();
  for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
  const settings = loadStageSettings('local', process.env);
  const outputs = await stackOutputs(new CloudFormationClient({}), stackNameFor('local'));
  const sqs = new SQSClient({});
  const queue = await queueAttributes(sqs, outputs.QueueUrl);
  const mismatch = deployedMismatch(settings, queue);
  if (mismatch !== undefined) throw new Error(mismatch);
  const stopped = new AbortController();
  let gone: string | undefined;
  const offline = await OfflineLambda.start(
    {
      stage: 'local',
      region: settings.region,
      port: offlineLambdaPort(),
      nodeOptions: LAMBDA_NODE_OPTIONS,
      output: offlineOutput,
      onGone: (reason) => {
        gone = reason;
        stopped.abort();
      },
    },
    workerFunctionNameFor('local'),
  );
  onReady?.(
    `polling ${outputs.QueueUrl}: batch ${settings.batchSize}, window ${settings.batchingWindowSeconds} s, concurrency ${settings.maxConcurrency}, ` +
      `visibility ${queue.visibilityTimeoutSeconds} s, DLQ after ${queue.maxReceiveCount ?? '∞'} receives; ` +
      `invoking ${workerFunctionNameFor('local')} (timeout ${settings.workerTimeoutSeconds} s) through sls offline at ${offline.endpoint}`,
    outputs,
  );
  try {
    await startEventSource({
      sqs,
      queueUrl: outputs.QueueUrl,
      queue: { queueArn: queue.queueArn, region: settings.region },
      invoke: offline.invoke,
      batchSize: settings.batchSize,
      batchingWindowSeconds: settings.batchingWindowSeconds,
      maxConcurrency: settings.maxConcurrency,
      // Short polls so Ctrl-C stops within seconds.
      pollWaitSeconds: 2,
      signal: AbortSignal.any([signal, stopped.signal]),
      onBatch,
    });
  } finally {
    await offline.stop();
  }
  if (gone !== undefined) throw new Error(`${gone}; the event source stopped`);
};
