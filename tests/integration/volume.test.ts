/**
 * 1,000 small files uploaded while the worker runs: every upload ends with exactly one manifest
 * or exactly one DLQ message — none missing, none doubled. A few are bad CSVs (rejected) and a
 * few fail on every attempt (DLQ after maxReceiveCount receives), so each outcome is exercised.
 */
import { expect, inject, test } from 'vitest';
import { forEachWithLimit } from '../../src/batch/forEachWithLimit.js';
import { decodeS3Key } from '../../src/middleware/parseS3Notifications.js';
import { loadProcessor } from '../../src/processors/registry.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { manifestKey } from '../../src/storage/resultKeys.js';
import { ordersCsv } from '../helpers/orders.js';
import { depth, getBytes, listKeys, purge, put, receiveAll, runId, versionCounts } from './helpers/aws.js';
import { encodedKeysOf } from './helpers/results.js';
import { flakyProcessor, routesWith, startWorker } from './helpers/worker.js';

const stack = inject('stack');
const FILES = 1000;
const UPLOAD_CONCURRENCY = 16;
const REJECTED = 10;
const DOOMED = 5;

const kindOf = (index: number) => (index < REJECTED ? 'rejected' : index < REJECTED + DOOMED ? 'doomed' : 'good');

test(`${FILES} small files are all accounted for, once each`, { timeout: 300_000 }, async () => {
  await purge(stack.QueueUrl, stack.DeadLetterQueueUrl);
  const prefix = `incoming/orders/${runId()}/`;
  const keys = Array.from({ length: FILES }, (_, i) => `${prefix}${kindOf(i)}-${String(i).padStart(4, '0')}.csv`);
  const good = ordersCsv([{}, {}]);
  const bad = ordersCsv([{ quantity: 'x' }, { quantity: 'y' }]);
  const processor = flakyProcessor(await loadProcessor('csv-to-ndjson'), (key) => (key.includes('/doomed-') ? Number.POSITIVE_INFINITY : 0));
  const worker = await startWorker({ stack, routes: routesWith('flaky'), loadProcessor: async () => processor });
  const started = Date.now();
  await forEachWithLimit(keys, UPLOAD_CONCURRENCY, async (key) => {
    await put(stack.UploadBucketName, key, key.includes('/rejected-') ? bad : good);
  });
  const uploaded = Date.now();
  await worker.runUntil('every file settled', async () => worker.manifests.written.size + (await depth(stack.DeadLetterQueueUrl)) >= FILES, 240_000);
  console.info(`${FILES} files: uploads ${((uploaded - started) / 1000).toFixed(1)} s, all settled after ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const manifestKeys = await listKeys(stack.ResultsBucketName, `manifests/${prefix}`);
  const dlqKeys = (await receiveAll(stack.DeadLetterQueueUrl)).flatMap((message) => encodedKeysOf(message.Body ?? '').map(decodeS3Key));
  const outcome = new Map<string, string[]>(keys.map((key) => [key, []]));
  for (const key of manifestKeys) outcome.get(key.slice('manifests/'.length, -'.json'.length))?.push('manifest');
  for (const key of dlqKeys) outcome.get(key)?.push('dlq');
  const counted = [...outcome.values()].map((where) => where.join('+'));
  expect({ manifests: manifestKeys.length, dlq: dlqKeys.length }).toEqual({ manifests: FILES - DOOMED, dlq: DOOMED });
  expect(counted.filter((where) => where !== 'manifest' && where !== 'dlq')).toEqual([]);
  expect(keys.filter((key) => outcome.get(key)?.[0] === 'dlq').every((key) => key.includes('/doomed-'))).toBe(true);
  const doubled = [...(await versionCounts(stack.ResultsBucketName, `manifests/${prefix}`)).entries()].filter(([, versions]) => versions !== 1);
  expect(doubled).toEqual([]);
  expect(await depth(stack.QueueUrl)).toBe(0);

  for (const key of keys.slice(0, REJECTED)) {
    const manifest = JSON.parse((await getBytes(stack.ResultsBucketName, manifestKey(key)))?.toString('utf8') ?? '{}') as Manifest;
    expect(manifest).toMatchObject({ status: 'rejected', reason: expect.stringContaining('reject ratio') });
  }
});
