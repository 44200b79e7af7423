/**
 * `npm run worker:local`: runs src/handlers/worker.ts against the deployed `local` stack with
 * the SQS event-source semantics of src/local/sqsEventSource.ts. Ctrl-C finishes the batches in
 * flight and exits. Settings come from loadStageSettings('local', env), like serverless.ts.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadStageSettings } from '../src/config/settings.js';
import { asLambdaHandler, startEventSource } from '../src/local/sqsEventSource.js';
import { localStackEnv, queueAttributes, stackOutputs, workerEnv } from '../src/local/stack.js';

const SERVICE = 'file-processor';
for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
const settings = loadStageSettings('local', process.env);
const outputs = await stackOutputs(new CloudFormationClient({}), `${SERVICE}-local`);
const sqs = new SQSClient({});
const queue = await queueAttributes(sqs, outputs.QueueUrl);

Object.assign(process.env, workerEnv(settings, outputs));
const worker = await import('../src/handlers/worker.js');
const handler = asLambdaHandler(worker.handler);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
console.log(
  `worker:local polling ${outputs.QueueUrl}: batch ${settings.batchSize}, window ${settings.batchingWindowSeconds} s, ` +
    `timeout ${settings.workerTimeoutSeconds} s, concurrency ${settings.maxConcurrency}, ` +
    `visibility ${queue.visibilityTimeoutSeconds} s, DLQ after ${queue.maxReceiveCount ?? '∞'} receives`,
);
await startEventSource({
  sqs,
  queueUrl: outputs.QueueUrl,
  queue: { queueArn: queue.queueArn, region: settings.region },
  fn: { functionName: `${SERVICE}-local-jobsWorker`, memoryLimitInMB: settings.memorySize, region: settings.region, accountId: queue.queueArn.split(':')[4] ?? '000000000000' },
  handler,
  batchSize: settings.batchSize,
  batchingWindowSeconds: settings.batchingWindowSeconds,
  maxConcurrency: settings.maxConcurrency,
  timeoutSeconds: settings.workerTimeoutSeconds,
  signal: controller.signal,
  onBatch: ({ messageIds, failedIds, error }) =>
    console.log(`batch of ${messageIds.length}: ${messageIds.length - failedIds.length} done, ${failedIds.length} back to the queue${error === undefined ? '' : ` (${String(error)})`}`),
});
