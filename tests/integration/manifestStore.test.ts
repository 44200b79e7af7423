/** The S3 conditional writes ManifestStore relies on, checked against LocalStack's S3. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, inject, test } from 'vitest';
import type { Manifest, StoredManifest } from '../../src/storage/manifestStore.js';
import { ManifestStore } from '../../src/storage/manifestStore.js';
import { runId, s3, versionCounts } from './helpers/aws.js';

const stack = inject('stack');
const store = new ManifestStore(s3, stack.ResultsBucketName);
const run = runId();

const manifest = (writer: string): Manifest => ({
  schemaVersion: 1,
  source: { bucket: stack.UploadBucketName, key: `incoming/orders/${writer}.csv`, versionId: writer, size: 1, sequencer: '01' },
  processor: { name: 'test', version: writer },
  status: 'processed',
  outputs: [],
  counts: {},
  timings: { startedAt: '2026-11-29T10:00:00.000Z', finishedAt: '2026-11-29T10:00:00.000Z', durationMs: 0 },
});

const statusOf = async (write: Promise<unknown>): Promise<number | undefined> =>
  write.then(
    () => 200,
    (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
  );

describe('the conditions themselves: 412 on conflict', () => {
  test('IfNoneMatch * on an existing key, IfMatch with a wrong ETag', async () => {
    const Key = `manifests/_conditions/${run}/plain.json`;
    const putWith = (condition: { IfNoneMatch?: string; IfMatch?: string }) =>
      statusOf(s3.send(new PutObjectCommand({ Bucket: stack.ResultsBucketName, Key, Body: '{}', ...condition })));
    expect(await putWith({ IfNoneMatch: '*' })).toBe(200);
    expect(await putWith({ IfNoneMatch: '*' })).toBe(412);
    expect(await putWith({ IfMatch: '"0123456789abcdef0123456789abcdef"' })).toBe(412);
  });
});

describe.each([
  { condition: 'IfNoneMatch * (no manifest yet)', existing: false },
  { condition: 'IfMatch the ETag both read', existing: true },
])('two concurrent writers, $condition: exactly one wins', ({ existing }) => {
  test.each(Array.from({ length: 5 }, (_, round) => round))('round %i', async (round) => {
    const key = `manifests/_conditions/${run}/${existing ? 'if-match' : 'if-none-match'}-${round}.json`;
    let previous: StoredManifest | undefined;
    if (existing) {
      expect(await store.write(key, manifest('first'), undefined)).toBe(true);
      previous = await store.read(key);
    }
    const results = await Promise.all(['a', 'b'].map((writer) => store.write(key, manifest(writer), previous)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] === true ? 'a' : 'b';
    expect((await store.read(key))?.manifest.processor?.version).toBe(winner);
    expect((await versionCounts(stack.ResultsBucketName, key)).get(key)).toBe(existing ? 2 : 1);
  });
});
