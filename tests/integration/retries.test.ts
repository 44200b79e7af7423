/** Retries, the DLQ and partial batch responses, with the real chain and LocalStack's redrive policy. */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, expect, inject, test } from 'vitest';
import { decodeS3Key } from '../../src/middleware/parseS3Notifications.js';
import { loadProcessor } from '../../src/processors/registry.js';
import { ordersCsv } from '../helpers/orders.js';
import { depth, purge, put, receiveAll, runId, settings, sqs, until } from './helpers/aws.js';
import { encodedKeysOf, readManifest } from './helpers/results.js';
import { flakyProcessor, routesWith, startWorker } from './helpers/worker.js';

const stack = inject('stack');
const csv = ordersCsv([{}, {}]);

beforeEach(() => purge(stack.QueueUrl, stack.DeadLetterQueueUrl));

const keysIn = (body: string): string[] => {
  try {
    return encodedKeysOf(body).map(decodeS3Key);
  } catch {
    return [];
  }
};

test('a processor failing transiently twice is retried after the visibility timeout, then its file is processed', async () => {
  const key = `incoming/orders/${runId()}/flaky.csv`;
  const flaky = flakyProcessor(await loadProcessor('csv-to-ndjson'), () => 2);
  await put(stack.UploadBucketName, key, csv);
  const worker = await startWorker({ stack, routes: routesWith('flaky'), loadProcessor: async () => flaky });
  await worker.runUntil(
    'manifest after two failures',
    async () => (await readManifest(stack, key)) !== undefined && (await depth(stack.QueueUrl)) === 0,
    60_000,
  );
  expect(flaky.attempts.get(key)).toBe(3);
  expect([...worker.receives.entries()].filter(([body]) => keysIn(body).includes(key)).map(([, counts]) => counts)).toEqual([[1, 2, 3]]);
  expect(await readManifest(stack, key)).toMatchObject({ status: 'processed', processor: { name: 'flaky' }, counts: { rowsOut: 2 } });
  expect(await depth(stack.DeadLetterQueueUrl)).toBe(0);
});

test('a poison message reaches the DLQ intact after maxReceiveCount receives; the files around it are processed once', async () => {
  const poison = `not json {${runId()}`;
  const keys = [1, 2, 3].map((n) => `incoming/orders/${runId()}/good-${n}.csv`);
  await sqs.send(new SendMessageCommand({ QueueUrl: stack.QueueUrl, MessageBody: poison }));
  for (const key of keys) await put(stack.UploadBucketName, key, csv);
  const worker = await startWorker({ stack });
  await worker.runUntil(
    'poison in the DLQ, queue empty',
    async () => (await depth(stack.DeadLetterQueueUrl)) === 1 && (await depth(stack.QueueUrl)) === 0,
    120_000,
  );
  expect(worker.receives.get(poison)).toEqual(Array.from({ length: settings.maxReceives }, (_, i) => i + 1));
  expect((await receiveAll(stack.DeadLetterQueueUrl)).map((message) => message.Body)).toEqual([poison]);
  for (const key of keys) {
    expect(await readManifest(stack, key)).toMatchObject({ status: 'processed' });
    expect(worker.manifests.written.get(`manifests/${key}.json`)).toBe(1);
  }
  expect([...worker.receives.entries()].filter(([body]) => body !== poison).flatMap(([, counts]) => counts)).toEqual([1, 1, 1]);
});

test('in a batch where one file fails every time, only its message stays on the queue; the others are deleted', async () => {
  const run = runId();
  const bad = `incoming/orders/${run}/always-fails.csv`;
  const good = [1, 2, 3, 4, 5].map((n) => `incoming/orders/${run}/good-${n}.csv`);
  for (const key of [...good.slice(0, 2), bad, ...good.slice(2)]) await put(stack.UploadBucketName, key, csv);
  // All six wait on the queue first, so the first receive takes them together.
  await until('six notifications queued', async () => (await depth(stack.QueueUrl)) === 6, 15_000);
  const flaky = flakyProcessor(await loadProcessor('csv-to-ndjson'), (key) => (key === bad ? Number.POSITIVE_INFINITY : 0));
  const worker = await startWorker({ stack, routes: routesWith('flaky'), loadProcessor: async () => flaky });
  await worker.runUntil('the failing file received twice', async () => (flaky.attempts.get(bad) ?? 0) >= 2, 60_000);
  const badMessage = [...worker.bodies.entries()].find(([, body]) => keysIn(body).includes(bad))?.[0] ?? '';
  const first = worker.batches.find((batch) => batch.messageIds.includes(badMessage));
  expect(first?.messageIds.length).toBeGreaterThan(1);
  expect(first?.failedIds).toEqual([badMessage]);
  for (const key of good) expect(await readManifest(stack, key)).toMatchObject({ status: 'processed' });
  expect(await readManifest(stack, bad)).toBeUndefined();
  const goodReceives = [...worker.receives.entries()].filter(([body]) => !keysIn(body).includes(bad)).flatMap(([, counts]) => counts);
  expect(goodReceives).toEqual([1, 1, 1, 1, 1]);
  expect(await depth(stack.QueueUrl)).toBe(1);
});
