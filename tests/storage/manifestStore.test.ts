import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, test } from 'vitest';
import { TransientError } from '../../src/errors.js';
import { type Manifest, ManifestStore } from '../../src/storage/manifestStore.js';
import { RESULTS_BUCKET, UPLOAD_BUCKET } from '../helpers/events.js';
import { FakeS3, s3Error } from '../helpers/fakeS3.js';

const KEY = 'manifests/incoming/a.csv.json';

const manifest = (versionId: string): Manifest => ({
  schemaVersion: 1,
  source: { bucket: UPLOAD_BUCKET, key: 'incoming/a.csv', versionId, size: 1, sequencer: '01' },
  processor: null,
  status: 'rejected',
  reason: 'size: must be at most 0 bytes, 1 given',
  outputs: [],
  counts: {},
  timings: { startedAt: '2026-11-29T09:00:00.000Z', finishedAt: '2026-11-29T09:00:00.000Z', durationMs: 0 },
});

let s3: FakeS3;
let store: ManifestStore;
beforeEach(() => {
  s3 = new FakeS3();
  store = new ManifestStore(s3.asClient(), RESULTS_BUCKET);
});

describe('ManifestStore', () => {
  test('reads nothing for a key without a manifest', async () => {
    expect(await store.read(KEY)).toBeUndefined();
  });

  test('writes only where none exists, then only over the version it read', async () => {
    expect(await store.write(KEY, manifest('v1'), undefined)).toBe(true);
    expect(await store.write(KEY, manifest('v2'), undefined)).toBe(false);
    const stored = await store.read(KEY);
    expect(stored?.manifest).toEqual(manifest('v1'));
    expect(await store.write(KEY, manifest('v2'), stored)).toBe(true);
    expect(await store.write(KEY, manifest('v3'), stored)).toBe(false);
    expect(JSON.parse(s3.read(RESULTS_BUCKET, KEY) ?? '')).toEqual(manifest('v2'));
  });

  test('a concurrent conditional write in progress (409) is a lost race, not an error', async () => {
    s3.fail((command) => command instanceof PutObjectCommand, s3Error('ConditionalRequestConflict', 409));
    expect(await store.write(KEY, manifest('v1'), undefined)).toBe(false);
  });

  test.each([
    { name: 'reading', run: () => store.read(KEY), command: GetObjectCommand, action: 'reading' },
    { name: 'writing', run: () => store.write(KEY, manifest('v1'), undefined), command: PutObjectCommand, action: 'writing' },
  ])('an S3 5xx on $name is a transient error naming the manifest', async ({ run, command, action }) => {
    s3.fail((sent) => sent instanceof command, s3Error('InternalError', 500));
    await expect(run()).rejects.toThrow(new TransientError(`${action} manifest s3://${RESULTS_BUCKET}/${KEY}: InternalError (HTTP 500): InternalError`));
  });
});
