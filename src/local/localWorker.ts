/**
 * Runs the bundled src/handlers/worker.ts against the deployed `local` stack with the SQS event-source
 * semantics of sqsEventSource.ts. Settings come from loadStageSettings('local', env), like
 * serverless.ts; the queue's visibility timeout and redrive policy are the deployed ones.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadStageSettings } from '../config/settings.js';
import { type BatchOutcome, asLambdaHandler, startEventSource } from './sqsEventSource.js';
import { type StackOutputs, localStackEnv, queueAttributes, stackOutputs, workerEnv } from './stack.js';

const SERVICE = 'file-processor';
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

export const runLocalWorker = async ({ signal, onBatch, onReady }: LocalWorkerOptions): Promise<void> => {
  for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
  const settings = loadStageSettings('local', process.env);
  const outputs = await stackOutputs(new CloudFormationClient({}), `${SERVICE}-local`);
  const sqs = new SQSClient({});
  const queue = await queueAttributes(sqs, outputs.QueueUrl);
  Object.assign(process.env, workerEnv(settings, outputs));
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
