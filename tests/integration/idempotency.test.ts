/** Duplicate deliveries, replays and out-of-order versions, replayed from the bodies LocalStack delivered. */
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, inject, test } from 'vitest';
import { SUPERSEDED_TAG, manifestKey } from '../../src/storage/resultKeys.js';
import { REPROCESS_ATTRIBUTE } from '../../src/types.js';
import { ordersCsv } from '../helpers/orders.js';
import { depth, getBytes, listKeys, purge, put, runId, s3, sqs, versionCounts } from './helpers/aws.js';
import { readManifest, recordsOf, takeNotifications } from './helpers/results.js';
import { startWorker } from './helpers/worker.js';

const stack = inject('stack');

beforeEach(() => purge(stack.QueueUrl, stack.DeadLetterQueueUrl));

const send = async (...bodies: readonly string[]) => {
  for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: stack.QueueUrl, MessageBody: body }));
};

/** Runs the real worker until the queue is empty and `key` has a manifest. */
const processUntilDone = async (key: string) => {
  const worker = await startWorker({ stack });
  await worker.runUntil(
    `${key} processed, queue empty`,
    async () => (await depth(stack.QueueUrl)) === 0 && (await readManifest(stack, key)) !== undefined,
    60_000,
  );
  return worker;
};

describe('the same version, delivered again', () => {
  const key = `incoming/orders/${runId()}/twice.csv`;
  let body = '';

  test('a notification delivered twice at once gives one manifest PUT', async () => {
    await put(stack.UploadBucketName, key, ordersCsv([{}, {}, {}]));
    body = (await takeNotifications(stack.QueueUrl, 1))[0]?.Body ?? '';
    expect(recordsOf(body).map((record) => record.eventName)).toEqual(['ObjectCreated:Put']);
    await send(body, body);
    const worker = await processUntilDone(key);
    expect(worker.receives.get(body)).toEqual([1, 1]);
    expect(worker.manifests.written.get(manifestKey(key))).toBe(1);
    expect((await versionCounts(stack.ResultsBucketName, manifestKey(key))).get(manifestKey(key))).toBe(1);
    expect(await readManifest(stack, key)).toMatchObject({ status: 'processed', counts: { rowsOut: 3 } });
  });

  test('a later replay of the processed (small) version loses the optimistic manifest write: the manifest unchanged', async () => {
    const manifestBefore = await getBytes(stack.ResultsBucketName, manifestKey(key));
    const versionsBefore = await versionCounts(stack.ResultsBucketName, `processed/${key}/`);
    expect(versionsBefore.size).toBe(1);
    await send(body);
    const worker = await processUntilDone(key);
    expect(worker.receives.get(body)).toEqual([1]);
    expect(worker.manifests.written.size).toBe(0);
    expect(await getBytes(stack.ResultsBucketName, manifestKey(key))).toEqual(manifestBefore);
    expect(await versionCounts(stack.ResultsBucketName, manifestKey(key))).toEqual(new Map([[manifestKey(key), 1]]));
    // Small files are processed before the manifest is read (3 requests for a new file): the replay
    // rewrote the same output key, which the manifest still references.
    expect([...(await versionCounts(stack.ResultsBucketName, `processed/${key}/`)).keys()]).toEqual([...versionsBefore.keys()]);
  });
});

test('versions arriving out of order leave the newest result', async () => {
  const key = `incoming/orders/${runId()}/versions.csv`;
  const v1 = (await put(stack.UploadBucketName, key, ordersCsv([{}]))).VersionId ?? '';
  const v2 = (await put(stack.UploadBucketName, key, ordersCsv([{}, {}]))).VersionId ?? '';
  expect(v1).not.toBe(v2);
  const bodies = new Map(
    (await takeNotifications(stack.QueueUrl, 2)).map((message) => [recordsOf(message.Body ?? '')[0]?.s3.object.versionId, message.Body ?? '']),
  );
  expect([...bodies.keys()].sort()).toEqual([v1, v2].sort());

  await send(bodies.get(v2) ?? '');
  await processUntilDone(key);
  await send(bodies.get(v1) ?? '');
  const late = await processUntilDone(key);

  expect(late.receives.get(bodies.get(v1) ?? '')).toEqual([1]);
  expect(late.manifests.written.size).toBe(0);
  expect(await readManifest(stack, key)).toMatchObject({ status: 'processed', source: { versionId: v2 }, counts: { rowsOut: 2 } });
  // A small file is processed before its manifest is read: v1's output may exist, but it is tagged superseded.
  expect(await untaggedOutputs(key)).toEqual(((await readManifest(stack, key))?.outputs ?? []).map((output) => output.key).sort());
  expect(await versionCounts(stack.ResultsBucketName, manifestKey(key))).toEqual(new Map([[manifestKey(key), 1]]));
});

/** Current objects under processed/<key>/ that carry no superseded tag: what a lifecycle rule keeps. */
const untaggedOutputs = async (key: string): Promise<string[]> => {
  const keys = await listKeys(stack.ResultsBucketName, `processed/${key}/`);
  const tags = await Promise.all(keys.map((Key) => s3.send(new GetObjectTaggingCommand({ Bucket: stack.ResultsBucketName, Key }))));
  return keys.filter((_, index) => !(tags[index]?.TagSet ?? []).some((tag) => tag.Key === SUPERSEDED_TAG.Key && tag.Value === SUPERSEDED_TAG.Value)).sort();
};

test('a newer version, then an explicit reprocess: each replaces the manifest, and only its outputs stay untagged', async () => {
  const key = `incoming/orders/${runId()}/reprocess.csv`;
  const currentOutputs = async () => ((await readManifest(stack, key))?.outputs ?? []).map((output) => output.key).sort();

  await put(stack.UploadBucketName, key, ordersCsv([{}]));
  const v1 = (await takeNotifications(stack.QueueUrl, 1))[0]?.Body ?? '';
  await send(v1);
  await processUntilDone(key);
  const v2Version = (await put(stack.UploadBucketName, key, ordersCsv([{}, {}]))).VersionId;
  const v2 = (await takeNotifications(stack.QueueUrl, 1))[0]?.Body ?? '';
  await send(v2);
  const worker = await startWorker({ stack });
  await worker.runUntil('v2 recorded', async () => (await readManifest(stack, key))?.source.versionId === v2Version, 60_000);
  expect(await untaggedOutputs(key)).toEqual(await currentOutputs());
  expect(await listKeys(stack.ResultsBucketName, `processed/${key}/`)).toHaveLength(2);

  const before = await readManifest(stack, key);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.QueueUrl,
      MessageBody: v2,
      MessageAttributes: { [REPROCESS_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } },
    }),
  );
  const again = await startWorker({ stack });
  await again.runUntil(
    'v2 reprocessed',
    async () => (await depth(stack.QueueUrl)) === 0 && (await readManifest(stack, key))?.timings.startedAt !== before?.timings.startedAt,
    60_000,
  );
  expect(again.manifests.written.get(manifestKey(key))).toBe(1);
  expect(await readManifest(stack, key)).toMatchObject({ status: 'processed', source: { versionId: v2Version }, counts: { rowsOut: 2 } });
  expect(await untaggedOutputs(key)).toEqual(await currentOutputs());
});
