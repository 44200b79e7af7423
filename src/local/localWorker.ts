/**
 * Runs the bundled src/handlers/worker.ts against the deployed `local` stack with the SQS event-source
 * semantics of sqsEventSource.ts. Settings and the worker's environment come from `.env` and
 * loadStageSettings('local') through workerEnvironment, exactly as serverless.ts deploys them;
 * the queue's visibility timeout and redrive policy are the deployed ones, and a stack deployed
 * with other settings is refused.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDotEnv, loadStageSettings, visibilityTimeoutSeconds } from '../config/settings.js';
import type { StageSettings } from '../config/types.js';
import { LAMBDA_NODE_OPTIONS, SERVICE, workerEnvironment } from '../config/workerEnvironment.js';
import { type BatchOutcome, asLambdaHandler, startEventSource } from './sqsEventSource.js';
import { type QueueAttributes, type StackOutputs, localStackEnv, queueAttributes, stackOutputs } from './stack.js';

/** What `sls deploy --stage local` bundled (serverless.ts keeps it): the code Lambda would run. */
export const LOCAL_BUNDLE = path.resolve('.esbuild/local/.build/src/handlers/worker.mjs');

interface WorkerModule {
  readonly handler: Parameters<typeof asLambdaHandler>[0];
}

export interface LocalWorkerOptions {
  readonly signal: AbortSignal;
  readonly onBatch?: (outcome: BatchOutcome) => void;
  /** Called once the worker polls, with a one-line description. */
  readonly onReady?: (description: string, outputs: StackOutputs) => void;
}

/** One line per batch for a person watching the worker. */
export const describeBatch = ({ messageIds, failedIds, error }: BatchOutcome): string =>
  `batch of ${messageIds.length}: ${messageIds.length - failedIds.length} done, ${failedIds.length} back to the queue${error === undefined ? '' : ` (${String(error)})`}`;

/**
 * The worker's environment for the deployed `local` stack, without NODE_OPTIONS (which only a
 * new process can apply: see `LAMBDA_NODE_OPTIONS` in scripts/worker.ts).
 */
export const localWorkerEnvironment = (settings: StageSettings, outputs: StackOutputs): Record<string, string> => {
  const { NODE_OPTIONS: _appliedAtStart, ...environment } = workerEnvironment(settings, { uploads: outputs.UploadBucketName, results: outputs.ResultsBucketName });
  return environment;
};

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

export const runLocalWorker = async ({ signal, onBatch, onReady }: LocalWorkerOptions): Promise<void> => {
  loadDotEnv();
  for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
  const settings = loadStageSettings('local', process.env);
  const outputs = await stackOutputs(new CloudFormationClient({}), `${SERVICE}-local`);
  const sqs = new SQSClient({});
  const queue = await queueAttributes(sqs, outputs.QueueUrl);
  const mismatch = deployedMismatch(settings, queue);
  if (mismatch !== undefined) throw new Error(mismatch);
  if (!(process.env.NODE_OPTIONS ?? '').includes(LAMBDA_NODE_OPTIONS)) throw new Error(`NODE_OPTIONS: the worker runs with '${LAMBDA_NODE_OPTIONS}' on Lambda; start it through npm run worker:local`);
  Object.assign(process.env, localWorkerEnvironment(settings, outputs));
  if (!existsSync(LOCAL_BUNDLE)) throw new Error(`${LOCAL_BUNDLE} not found: deploy first (npm run deploy:local)`);
  // Imported only now: the worker reads its environment at cold start, as on Lambda.
  const worker = (await import(pathToFileURL(LOCAL_BUNDLE).href)) as WorkerModule;
  onReady?.(
    `polling ${outputs.QueueUrl}: batch ${settings.batchSize}, window ${settings.batchingWindowSeconds} s, ` +
      `timeout ${settings.workerTimeoutSeconds} s, concurrency ${settings.maxConcurrency}, ` +
      `visibility ${queue.visibilityTimeoutSeconds} s, DLQ after ${queue.maxReceiveCount ?? '∞'} receives`,
    outputs,
  );
  await startEventSource({
    sqs,
    queueUrl: outputs.QueueUrl,
    queue: { queueArn: queue.queueArn, region: settings.region },
    fn: { functionName: `${SERVICE}-local-jobsWorker`, memoryLimitInMB: settings.memorySize, region: settings.region, accountId: queue.queueArn.split(':')[4] ?? '000000000000' },
    handler: asLambdaHandler(worker.handler),
    batchSize: settings.batchSize,
    batchingWindowSeconds: settings.batchingWindowSeconds,
    maxConcurrency: settings.maxConcurrency,
    timeoutSeconds: settings.workerTimeoutSeconds,
    // Short polls so Ctrl-C stops within seconds.
    pollWaitSeconds: 2,
    signal,
    onBatch,
  });
};
