import { describe, expect, test } from 'vitest';
import type { BatchOutcome } from '../../local/eventSource/sqsEventSource.js';
import { type FileOutcome, describeOutcome, fileOutcomes } from '../../local/fileOutcomes.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { manifestKey, unmappedManifestKey } from '../../src/storage/resultKeys.js';
import { RESULTS_BUCKET, TEST_EVENT_BODY, UPLOAD_BUCKET, s3NotificationBody, s3RecordFactory, sqsRecordFactory } from '../helpers/events.js';
import { FakeS3 } from '../helpers/fakeS3.js';

const manifest = (key: string, versionId: string, overrides: Partial<Manifest> = {}): Manifest => ({
  schemaVersion: 1,
  source: { bucket: UPLOAD_BUCKET, key, versionId, size: 11, sequencer: '01' },
  processor: { name: 'csvToNdjson', version: '1' },
  status: 'processed',
  outputs: [],
  counts: { rowsIn: 3, rowsOut: 2 },
  timings: { startedAt: '2026-11-29T09:00:00.000Z', finishedAt: '2026-11-29T09:00:00.040Z', durationMs: 40 },
  ...overrides,
});

const setup = () => {
  const s3 = new FakeS3();
  const sources = { s3: s3.asClient(), uploadBucket: UPLOAD_BUCKET, resultsBucket: RESULTS_BUCKET, maxReceives: 5 };
  const store = (key: string, value: Manifest) => s3.put(RESULTS_BUCKET, key, JSON.stringify(value));
  return { sources, store };
};

const batch = (records: BatchOutcome['records'], failedIds: readonly string[] = [], error?: unknown): BatchOutcome => ({
  records,
  messageIds: records.map((record) => record.messageId),
  failedIds,
  ...(error === undefined ? {} : { error }),
});

describe('fileOutcomes: what became of each file of a finished batch', () => {
  test("a succeeded message: each object's manifest for exactly that version", async () => {
    const { sources, store } = setup();
    store(manifestKey('incoming/orders/a.csv'), manifest('incoming/orders/a.csv', 'v1'));
    store(manifestKey('incoming/images/b.png'), manifest('incoming/images/b.png', 'v7', { status: 'rejected', reason: 'image content: bad', counts: {} }));
    store(manifestKey('incoming/orders/old.csv'), manifest('incoming/orders/old.csv', 'v2'));
    const body = s3NotificationBody(
      s3RecordFactory({ key: 'incoming/orders/a.csv', versionId: 'v1' }),
      s3RecordFactory({ key: 'incoming/images/b.png', versionId: 'v7' }),
      // Its manifest is for a newer version: this one is not what it records.
      s3RecordFactory({ key: 'incoming/orders/old.csv', versionId: 'v1' }),
    );
    expect(await fileOutcomes(batch([sqsRecordFactory(body), sqsRecordFactory(TEST_EVENT_BODY)]), sources)).toEqual([
      { status: 'processed', key: 'incoming/orders/a.csv', versionId: 'v1', counts: { rowsIn: 3, rowsOut: 2 }, durationMs: 40 },
      { status: 'rejected', key: 'incoming/images/b.png', versionId: 'v7', counts: {}, reason: 'image content: bad', durationMs: 40 },
      { status: 'acknowledged', key: 'incoming/orders/old.csv', versionId: 'v1' },
    ]);
  });

  test('a key that cannot be mapped is found under manifests/_unmapped/', async () => {
    const { sources, store } = setup();
    const key = 'incoming/orders/../x.csv';
    store(unmappedManifestKey({ bucket: UPLOAD_BUCKET, key }), manifest(key, 'v1', { status: 'rejected', reason: 'key: unsafe' }));
    const [outcome] = await fileOutcomes(batch([sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key, versionId: 'v1' })))]), sources);
    expect(outcome).toMatchObject({ status: 'rejected', key, reason: 'key: unsafe' });
  });

  test.each([
    { receiveCount: 1, status: 'retrying' },
    { receiveCount: 5, status: 'dead-lettered' },
  ])('a failed message on receive $receiveCount of 5: $status, with the invocation error', async ({ receiveCount, status }) => {
    const { sources } = setup();
    const record = sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/orders/a.csv' })), { messageId: 'm1', receiveCount });
    expect(await fileOutcomes(batch([record], ['m1'], new Error('timed out')), sources)).toEqual([
      { status, key: 'incoming/orders/a.csv', messageId: 'm1', receiveCount, maxReceives: 5, reason: 'Error: timed out' },
    ]);
  });

  test('an unusable message says why', async () => {
    const { sources } = setup();
    const [outcome] = await fileOutcomes(batch([sqsRecordFactory('not json', { messageId: 'm2' })], ['m2']), sources);
    expect(outcome).toMatchObject({ status: 'retrying', messageId: 'm2', reason: 'body: must be JSON, not JSON given' });
    expect(outcome).not.toHaveProperty('key');
  });
});

describe('describeOutcome: one line per file', () => {
  test.each<[FileOutcome, string]>([
    [
      { status: 'processed', key: 'incoming/orders/a.csv', counts: { rowsIn: 3, rowsOut: 2 }, durationMs: 40 },
      '✔ incoming/orders/a.csv: processed (rowsIn 3, rowsOut 2)',
    ],
    [{ status: 'rejected', key: 'incoming/x.txt', counts: {}, reason: 'no route', durationMs: 1 }, '✖ incoming/x.txt: rejected: no route'],
    [
      { status: 'retrying', key: 'incoming/orders/a.csv', messageId: 'm', receiveCount: 2, maxReceives: 5 },
      '↻ incoming/orders/a.csv: failed, back to the queue (receive 2 of 5)',
    ],
    [
      { status: 'dead-lettered', messageId: 'm', receiveCount: 5, maxReceives: 5, reason: 'body: must be JSON' },
      '✖ message m: failed on its last receive (5 of 5), going to the DLQ: body: must be JSON',
    ],
  ])('%j', (outcome, line) => {
    expect(describeOutcome(outcome)).toBe(line);
  });
});
