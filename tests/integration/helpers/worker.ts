/**
 * The worker run in-process against the deployed `local` stack: `createWorker` with a real S3
 * client and ManifestStore, fed by the local SQS event source until a condition holds. In-process
 * (not through sls offline as in the local loop) so that tests can inject processors and record
 * the worker's AWS calls.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AnyRoute } from '../../../src/config/types.js';
import { workerFunctionNameFor } from '../../../infra/service.js';
import { routes as deployedRoutes } from '../../../src/config/routes.js';
import { TransientError } from '../../../src/errors.js';
import { createWorker } from '../../../src/handlers/createWorker.js';
import { asLambdaHandler, type FunctionIdentity, invokeInProcess, type SqsHandler } from '../../../local/eventSource/inProcess.js';
import { startEventSource, type BatchOutcome } from '../../../local/eventSource/sqsEventSource.js';
import { queueAttributes, type StackOutputs } from '../../../local/stack.js';
import { loadProcessor as registryLoader } from '../../../src/processors/registry.js';
import type { ProcessorModule } from '../../../src/processors/types.js';
import { ManifestStore, type Manifest, type StoredManifest } from '../../../src/storage/manifestStore.js';
import { type Role, recordCalls } from '../../helpers/awsCallRecorder.js';
import { settings, until } from './aws.js';

/**
 * The deployed queue's visibility timeout is 6 × 1 s + 1 s = 7 s (the setup deploys with
 * WORKER_TIMEOUT_SECONDS=1, so retries come quickly). Invocations here get 5 s, still under the
 * visibility timeout, so a message is never handed out twice while its batch runs; 1 s leaves
 * no room for a batch of ten objects on a busy 2-core machine. The time budget is scaled to it.
 */
export const INVOCATION_TIMEOUT_SECONDS = 5;
const TIME_BUDGET = { startMarginMs: 1_500, abortMarginMs: 700 } as const;
/** `INTEGRATION_LOG_LEVEL=INFO` shows the worker's log lines while debugging a test. */
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

/** The deployed function's identity, for the context of an in-process invocation. */
export const functionIdentity = (queueArn: string): FunctionIdentity => ({
  functionName: workerFunctionNameFor('local'),
  memoryLimitInMB: settings.memorySize,
  region: settings.region,
  accountId: queueArn.split(':')[4] ?? '000000000000',
});

/** Counts the manifest writes that won (one S3 PUT each), by manifest key. */
export class CountingManifestStore extends ManifestStore {
  readonly written = new Map<string, number>();
  readonly writtenAt = new Map<string, number>();

  override async write(key: string, manifest: Manifest, previous: StoredManifest | undefined, abortSignal?: AbortSignal): Promise<boolean> {
    const won = await super.write(key, manifest, previous, abortSignal);
    if (won) {
      this.written.set(key, (this.written.get(key) ?? 0) + 1);
      this.writtenAt.set(key, Date.now());
    }
    return won;
  }
}

export interface WorkerOptions {
  readonly stack: StackOutputs;
  /** Replaces the registry; pair with `routes` naming its processors. */
  readonly loadProcessor?: (name: string) => Promise<ProcessorModule>;
  readonly routes?: readonly AnyRoute[];
  /** Wraps the chain, e.g. to watch receive counts; gets the real chain as `next`. */
  readonly wrap?: (next: SqsHandler) => SqsHandler;
  readonly maxConcurrency?: number;
}

export interface RunningWorker {
  readonly manifests: CountingManifestStore;
  readonly batches: BatchOutcome[];
  /** Receive counts seen by the handler, by message body. */
  readonly receives: Map<string, number[]>;
  /** Every message body the handler saw, by message id. */
  readonly bodies: Map<string, string>;
  /** Resolves when `done` holds (checked every 250 ms), then stops polling and settles what is in flight. */
  runUntil: (what: string, done: () => Promise<boolean>, timeoutMs: number) => Promise<void>;
}

/**
 * Clients of their own for the worker and its event source, recording every call they make
 * (tests/iam simulates each against the deployed stages' IAM policies).
 */
const recordedClients = (stack: StackOutputs) => {
  const roles: Record<string, Role> = {
    [stack.UploadBucketName]: 'uploads',
    [stack.ResultsBucketName]: 'results',
    [stack.QueueUrl]: 'queue',
    [stack.DeadLetterQueueUrl]: 'dlq',
  };
  return { s3: recordCalls(new S3Client({}), roles), sqs: recordCalls(new SQSClient({}), roles) };
};

export const startWorker = async (options: WorkerOptions): Promise<RunningWorker> => {
  const { stack } = options;
  const { s3, sqs } = recordedClients(stack);
  const manifests = new CountingManifestStore(s3, stack.ResultsBucketName);
  const chain = createWorker({
    s3,
    manifests,
    uploadBucket: stack.UploadBucketName,
    resultsBucket: stack.ResultsBucketName,
    concurrency: settings.recordConcurrency,
    routes: options.routes ?? deployedRoutes,
    maxObjectBytes: settings.maxObjectBytes,
    maxReceives: settings.maxReceives,
    logger: new Logger({ serviceName: 'integration', logLevel: LOG_LEVELS.find((level) => level === process.env.INTEGRATION_LOG_LEVEL) ?? 'SILENT' }),
    metrics: new Metrics({ namespace: 'integration', serviceName: 'integration' }),
    loadProcessor: options.loadProcessor ?? registryLoader,
    timeBudget: TIME_BUDGET,
  });
  const receives = new Map<string, number[]>();
  const bodies = new Map<string, string>();
  const watched: SqsHandler = async (event: SQSEvent, context) => {
    for (const record of event.Records) {
      receives.set(record.body, [...(receives.get(record.body) ?? []), Number(record.attributes.ApproximateReceiveCount)]);
      bodies.set(record.messageId, record.body);
    }
    return (await asLambdaHandler(chain)(event, context)) as SQSBatchResponse;
  };
  const handler = options.wrap?.(watched) ?? watched;
  const queue = await queueAttributes(sqs, stack.QueueUrl);
  const batches: BatchOutcome[] = [];
  const controller = new AbortController();
  const running = startEventSource({
    sqs,
    queueUrl: stack.QueueUrl,
    queue: { queueArn: queue.queueArn, region: settings.region },
    invoke: invokeInProcess(handler, functionIdentity(queue.queueArn), INVOCATION_TIMEOUT_SECONDS),
    batchSize: settings.batchSize,
    batchingWindowSeconds: settings.batchingWindowSeconds,
    maxConcurrency: options.maxConcurrency ?? settings.maxConcurrency,
    signal: controller.signal,
    pollWaitSeconds: 1,
    onBatch: (outcome) => batches.push(outcome),
  });
  return {
    manifests,
    batches,
    receives,
    bodies,
    runUntil: async (what, done, timeoutMs) => {
      try {
        await until(what, done, timeoutMs);
      } finally {
        controller.abort();
        await running;
      }
    },
  };
};

/** A processor that fails transiently the first `failures` times it sees a key, then delegates. */
export const flakyProcessor = (inner: ProcessorModule, failures: (key: string) => number): ProcessorModule & { attempts: Map<string, number> } => {
  const attempts = new Map<string, number>();
  return {
    name: 'flaky',
    version: '0.0.1',
    attempts,
    process: async (input, context, sink) => {
      const key = context.source.key;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      if (attempt <= failures(key)) {
        input.destroy();
        throw new TransientError(`flaky: attempt ${attempt} of ${key} fails on purpose`);
      }
      return inner.process(input, context, sink);
    },
  };
};

/** The deployed routes with each route's processor replaced: the notification filters still match. */
export const routesWith = (processor: string): AnyRoute[] => deployedRoutes.map((route) => ({ ...route, processor }));
