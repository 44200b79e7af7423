/**
 * No upload in the inbox vanishes: S3 notifies the whole inbox, the worker routes by suffix in
 * any case (cameras write `.JPG`, spreadsheets `.CSV`) and records a rejection for what no route
 * takes. Keys outside the inbox are not notified at all, by design.
 */
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { INBOX, routes } from '../../src/config/routes.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { manifestKey } from '../../src/storage/resultKeys.js';
import { makeImage } from '../helpers/images.js';
import { ordersCsv } from '../helpers/orders.js';
import { depth, purge, put, runId, sleep } from './helpers/aws.js';
import { readManifest } from './helpers/results.js';
import { type RunningWorker, startWorker } from './helpers/worker.js';

const stack = inject('stack');

describe('every upload in the inbox ends in exactly one manifest', () => {
  const run = runId();
  const camera = `${INBOX}images/${run}/IMG_0001.JPG`;
  const spreadsheet = `${INBOX}orders/${run}/Day.CSV`;
  const unrouted = `${INBOX}x/${run}/y.txt`;
  const outside = `elsewhere/${run}/z.csv`;
  const manifests = new Map<string, Manifest | undefined>();
  let worker: RunningWorker;

  beforeAll(async () => {
    await purge(stack.QueueUrl, stack.DeadLetterQueueUrl);
    await put(stack.UploadBucketName, camera, await makeImage({ width: 320, height: 240 }), 'image/jpeg');
    await put(stack.UploadBucketName, spreadsheet, ordersCsv([{}, {}]), 'text/csv');
    await put(stack.UploadBucketName, unrouted, 'not for any route', 'text/plain');
    await put(stack.UploadBucketName, outside, ordersCsv([{}]), 'text/csv');
    worker = await startWorker({ stack });
    await worker.runUntil(
      'a manifest for each upload in the inbox',
      async () => {
        for (const key of [camera, spreadsheet, unrouted]) manifests.set(key, await readManifest(stack, key));
        return [...manifests.values()].every((manifest) => manifest !== undefined) && (await depth(stack.QueueUrl)) === 0;
      },
      60_000,
    );
  });

  test.each([
    { name: '.JPG from a camera', key: () => camera, counts: { thumbnails: 2 } },
    { name: '.CSV from a spreadsheet', key: () => spreadsheet, counts: { rowsIn: 2, rowsOut: 2 } },
  ])('$name is processed by its route', ({ key, counts }) => {
    expect(manifests.get(key())).toMatchObject({ status: 'processed', counts });
    expect(worker.manifests.written.get(manifestKey(key()))).toBe(1);
  });

  test('an upload no route takes is rejected with a reason naming every route it missed', () => {
    const manifest = manifests.get(unrouted);
    expect(manifest).toMatchObject({ status: 'rejected', processor: null });
    for (const route of routes) expect(manifest?.reason).toContain(`${route.id}: ${route.prefix}*`);
    expect(worker.manifests.written.get(manifestKey(unrouted))).toBe(1);
  });

  test('a key outside the inbox is never notified: no message, no manifest', async () => {
    await sleep(1_000);
    expect(await depth(stack.QueueUrl)).toBe(0);
    expect(await depth(stack.DeadLetterQueueUrl)).toBe(0);
    expect(await readManifest(stack, outside)).toBeUndefined();
  });
});
