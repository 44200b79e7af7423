/**
 * The deployed wiring, the local event source with raw handlers, and the local loop itself: the
 * event source invoking the worker as serverless.ts declares it, through `sls offline`.
 */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { invokeInProcess, type SqsHandler } from '../../local/eventSource/inProcess.js';
import { type BatchOutcome, type EventSourceOptions, startEventSource } from '../../local/eventSource/sqsEventSource.js';
import { queueAttributes } from '../../local/stack.js';
import { deployedMismatch, runWorkerLoop } from '../../local/workerLoop.js';
import { freePort } from '../helpers/freePort.js';
import { depth, purge, runId, s3, settings, sqs, until } from './helpers/aws.js';
import { readManifest } from './helpers/results.js';
import { functionIdentity } from './helpers/worker.js';

const stack = inject('stack');

/** Runs the event source with `handler` until `done` holds, then stops it. */
const drain = async (handler: SqsHandler, done: () => Promise<boolean>, timeoutMs: number) => {
  const controller = new AbortController();
  const queue = await queueAttributes(sqs, stack.QueueUrl);
  const options: EventSourceOptions = {
    sqs,
    queueUrl: stack.QueueUrl,
    queue: { queueArn: queue.queueArn, region: settings.region },
    invoke: invokeInProcess(handler, functionIdentity(queue.queueArn), settings.workerTimeoutSeconds),
    batchSize: settings.batchSize,
    batchingWindowSeconds: settings.batchingWindowSeconds,
    maxConcurrency: settings.maxConcurrency,
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
    const keys = Messages.flatMap((m) => (JSON.parse(m.Body ?? '{}') as { Records?: { s3: { object: { key: string } } }[] }).Records ?? []).map(
      (r) => r.s3.object.key,
    );
    expect(keys).toContain('incoming/orders/x.csv');
    await purge(stack.QueueUrl);
  });

  test('the local loop (sls offline) acknowledges the s3:TestEvent and processes an upload with the declared worker', async () => {
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: stack.UploadBucketName }));
    // Configuring notifications again makes S3 send the s3:TestEvent, as the deploy did.
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: stack.UploadBucketName,
        NotificationConfiguration: { QueueConfigurations: config.QueueConfigurations ?? [] },
      }),
    );
    await until('the s3:TestEvent queued', async () => (await depth(stack.QueueUrl)) > 0, 10_000);
    const key = `incoming/orders/${runId()}/loop.csv`;
    await s3.send(new PutObjectCommand({ Bucket: stack.UploadBucketName, Key: key, Body: await readFile('samples/orders.csv') }));
    process.env.OFFLINE_LAMBDA_PORT = String(await freePort());
    const log = path.join(tmpdir(), `sls-offline-${process.pid}.log`);
    const controller = new AbortController();
    const batches: BatchOutcome[] = [];
    let polling = false;
    const loop = runWorkerLoop({
      signal: controller.signal,
      offlineOutput: { file: log },
      onReady: () => (polling = true),
      onBatch: (outcome) => batches.push(outcome),
    });
    try {
      await until(
        'manifest written, queue drained',
        async () => (await readManifest(stack, key)) !== undefined && (await depth(stack.QueueUrl)) === 0,
        120_000,
        500,
      );
    } finally {
      controller.abort();
      await loop.catch(async (error: unknown) => Promise.reject(new Error(`${String(error)}\n${await readFile(log, 'utf8').catch(() => '')}`)));
    }
    expect(polling).toBe(true);
    expect(batches.length).toBeGreaterThan(0);
    expect(await readManifest(stack, key)).toMatchObject({ status: 'processed', counts: { rowsIn: 11, rowsRejected: 1 } });
    expect(await depth(stack.DeadLetterQueueUrl)).toBe(0);
    // Ran in serverless-offline: its log line per invocation, with the declared function name.
    expect(await readFile(log, 'utf8')).toMatch(/\(λ: jobsWorker\) RequestId: /);
    await rm(log, { force: true });
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
