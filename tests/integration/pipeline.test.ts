/** The deployed wiring and the local event source itself, with raw handlers and the real worker.ts. */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { asLambdaHandler, startEventSource, type EventSourceOptions, type SqsHandler } from '../../src/local/sqsEventSource.js';
import { deployedMismatch, localWorkerEnvironment } from '../../src/local/localWorker.js';
import { queueAttributes } from '../../src/local/stack.js';
import { depth, purge, s3, settings, sqs, until } from './helpers/aws.js';

const stack = inject('stack');

/** Runs the event source with `handler` until `done` holds, then stops it. */
const drain = async (handler: SqsHandler, done: () => Promise<boolean>, timeoutMs: number) => {
  const controller = new AbortController();
  const queue = await queueAttributes(sqs, stack.QueueUrl);
  const options: EventSourceOptions = {
    sqs,
    queueUrl: stack.QueueUrl,
    queue: { queueArn: queue.queueArn, region: settings.region },
    fn: { functionName: 'file-processor-local-jobsWorker', memoryLimitInMB: settings.memorySize, region: settings.region, accountId: '000000000000' },
    handler,
    batchSize: settings.batchSize,
    batchingWindowSeconds: settings.batchingWindowSeconds,
    maxConcurrency: settings.maxConcurrency,
    timeoutSeconds: settings.workerTimeoutSeconds,
    signal: controller.signal,
    pollWaitSeconds: 1,
  };
  const running = startEventSource(options);
  try {
    await until('drained', done, timeoutMs);
  } finally {
    controller.abort();
    await running;
  }
};

describe('stage local on LocalStack', () => {
  beforeAll(async () => {
    await purge(stack.QueueUrl, stack.DeadLetterQueueUrl);
  });

  test('deploy wires the bucket notification and the redrive policy', async () => {
    const queue = await queueAttributes(sqs, stack.QueueUrl);
    const dlq = await queueAttributes(sqs, stack.DeadLetterQueueUrl);
    expect(queue).toMatchObject({ maxReceiveCount: settings.maxReceives, deadLetterTargetArn: dlq.queueArn });
    expect(queue.visibilityTimeoutSeconds).toBe(6 * settings.workerTimeoutSeconds + settings.batchingWindowSeconds);
    // The local worker refuses a stack deployed with settings other than its own (.env included).
    expect(deployedMismatch(settings, queue)).toBeUndefined();
    const notification = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: stack.UploadBucketName }));
    expect(notification.QueueConfigurations?.map((rule) => rule.QueueArn)).toContain(queue.queueArn);
  });

  test('an upload under a routed prefix sends a notification to the queue', async () => {
    await s3.send(new PutObjectCommand({ Bucket: stack.UploadBucketName, Key: 'incoming/orders/x.csv', Body: 'id\n1\n' }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.QueueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 10 }));
    const keys = Messages.flatMap((m) => (JSON.parse(m.Body ?? '{}') as { Records?: { s3: { object: { key: string } } }[] }).Records ?? []).map((r) => r.s3.object.key);
    expect(keys).toContain('incoming/orders/x.csv');
    await purge(stack.QueueUrl);
  });

  test('the s3:TestEvent sent when notifications are configured is acknowledged by the worker', async () => {
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: stack.UploadBucketName }));
    // Configuring notifications again makes S3 send the s3:TestEvent, as the deploy did.
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: stack.UploadBucketName, NotificationConfiguration: { QueueConfigurations: config.QueueConfigurations ?? [] } }));
    await until('the s3:TestEvent queued', async () => (await depth(stack.QueueUrl)) > 0, 10_000);
    // Test output shows tests, not the worker's log lines.
    Object.assign(process.env, localWorkerEnvironment(settings, stack), { POWERTOOLS_LOG_LEVEL: 'SILENT' });
    const worker = await import('../../src/handlers/worker.js');
    await drain(asLambdaHandler(worker.handler), async () => (await depth(stack.QueueUrl)) === 0, 30_000);
    expect(await depth(stack.DeadLetterQueueUrl)).toBe(0);
  });

  test('a message reported in batchItemFailures alone stays, then reaches the DLQ after maxReceiveCount', async () => {
    for (const body of ['ok-1', 'poison', 'ok-2']) await sqs.send(new SendMessageCommand({ QueueUrl: stack.QueueUrl, MessageBody: body }));
    const receives = new Map<string, number>();
    const handler = async (event: SQSEvent) => {
      for (const record of event.Records) receives.set(record.body, Number(record.attributes.ApproximateReceiveCount));
      return { batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })) };
    };
    await drain(handler, async () => (await depth(stack.DeadLetterQueueUrl)) === 1 && (await depth(stack.QueueUrl)) === 0, 120_000);
    expect(receives.get('ok-1')).toBe(1);
    expect(receives.get('ok-2')).toBe(1);
    expect(receives.get('poison')).toBe(settings.maxReceives);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.DeadLetterQueueUrl, WaitTimeSeconds: 2 }));
    expect(Messages.map((m) => m.Body)).toEqual(['poison']);
  });
});
