/** Upload → notification → queue → worker → outputs and manifest, with the real processors. */
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { makeImage } from '../helpers/images.js';
import { expectedOrder, ordersCsv } from '../helpers/orders.js';
import { depth, getBytes, purge, put, runId } from './helpers/aws.js';
import { ndjsonRows, readManifest, sha256Base64 } from './helpers/results.js';
import { startWorker } from './helpers/worker.js';

const stack = inject('stack');
const run = runId();
const keys = {
  csv: `incoming/orders/${run}/orders.csv`,
  image: `incoming/images/${run}/photo.jpg`,
  fake: `incoming/images/${run}/not-a-photo.jpg`,
};
const manifests = new Map<string, Manifest | undefined>();
const versionIds = new Map<string, string | undefined>();
const eTags = new Map<string, string | undefined>();

beforeAll(async () => {
  await purge(stack.QueueUrl, stack.DeadLetterQueueUrl);
  const bodies: Record<keyof typeof keys, Buffer> = {
    // Row 3 breaks the schema (quantity), one of 20 rows: under the 0.1 reject ratio.
    csv: Buffer.from(ordersCsv(Array.from({ length: 20 }, (_, i) => (i === 2 ? { quantity: 'many' } : {})))),
    image: await makeImage({ width: 1600, height: 1200 }),
    fake: Buffer.from('this is text, not a JPEG\n'),
  };
  for (const [name, key] of Object.entries(keys) as [keyof typeof keys, string][]) {
    const response = await put(stack.UploadBucketName, key, bodies[name]);
    versionIds.set(key, response.VersionId);
    eTags.set(key, response.ETag?.replaceAll('"', ''));
  }
  const worker = await startWorker({ stack });
  await worker.runUntil(
    'three manifests',
    async () => {
      for (const key of Object.values(keys)) manifests.set(key, await readManifest(stack, key));
      return [...manifests.values()].every((manifest) => manifest !== undefined);
    },
    60_000,
  );
  expect(await depth(stack.DeadLetterQueueUrl)).toBe(0);
});

describe.each(Object.values(keys))('%s', (key) => {
  test('the manifest names the exact source version, the processor and outputs whose bytes match the stored objects', async () => {
    const manifest = manifests.get(key);
    expect(manifest?.source).toMatchObject({ bucket: stack.UploadBucketName, key, versionId: versionIds.get(key), eTag: eTags.get(key) });
    expect(manifest?.source.sequencer).toMatch(/^[0-9A-F]+$/i);
    expect(manifest?.processor).toEqual(
      key.endsWith('.csv') ? { name: 'csv-to-ndjson', version: '1.0.0' } : { name: 'image-thumbnails', version: expect.any(String) },
    );
    for (const output of manifest?.outputs ?? []) {
      expect(output.key).toMatch(new RegExp(`^processed/${key.replace(/[.]/g, '\\.')}/${versionIds.get(key)}/`));
      const stored = await getBytes(stack.ResultsBucketName, output.key);
      expect({ bytes: stored?.length, sha256: stored === undefined ? undefined : sha256Base64(stored) }).toEqual({
        bytes: output.bytes,
        sha256: output.sha256,
      });
    }
  });
});

test('the CSV becomes 19 NDJSON rows and one reject, counted in the manifest', async () => {
  const manifest = manifests.get(keys.csv);
  expect(manifest).toMatchObject({ status: 'processed', counts: { rowsIn: 20, rowsOut: 19, rowsRejected: 1 } });
  expect(manifest?.outputs.map((output) => output.key.split('/').pop()).sort()).toEqual(['rejects.ndjson.gz', 'rows.ndjson.gz']);
  const rowsKey = manifest?.outputs.find((output) => output.key.endsWith('/rows.ndjson.gz'))?.key ?? '';
  const rows = ndjsonRows((await getBytes(stack.ResultsBucketName, rowsKey)) ?? Buffer.alloc(0));
  expect(rows).toHaveLength(19);
  expect(rows[0]).toEqual(expectedOrder(1));
  expect(rows[2]).toEqual(expectedOrder(4));
  const rejectsKey = manifest?.outputs.find((output) => output.key.endsWith('/rejects.ndjson.gz'))?.key ?? '';
  expect(ndjsonRows((await getBytes(stack.ResultsBucketName, rejectsKey)) ?? Buffer.alloc(0))).toEqual([expect.objectContaining({ row: 3 })]);
});

test('the image gets 256 and 1024 px wide WebP thumbnails', async () => {
  const manifest = manifests.get(keys.image);
  expect(manifest).toMatchObject({ status: 'processed', counts: { images: 1, thumbnails: 2 } });
  const widths = [];
  for (const output of manifest?.outputs ?? []) {
    const metadata = await sharp((await getBytes(stack.ResultsBucketName, output.key)) ?? Buffer.alloc(0)).metadata();
    widths.push({ name: output.key.split('/').pop(), format: metadata.format, width: metadata.width, contentType: output.contentType });
  }
  expect(widths.sort((a, b) => (a.width ?? 0) - (b.width ?? 0))).toEqual([
    { name: '256.webp', format: 'webp', width: 256, contentType: 'image/webp' },
    { name: '1024.webp', format: 'webp', width: 1024, contentType: 'image/webp' },
  ]);
});

test('text uploaded as .jpg is rejected with the reason, and leaves no outputs', async () => {
  expect(manifests.get(keys.fake)).toMatchObject({
    status: 'rejected',
    reason: expect.stringMatching(/^image content: must be jpeg as the extension says/),
    outputs: [],
    processor: { name: 'image-thumbnails' },
  });
});
