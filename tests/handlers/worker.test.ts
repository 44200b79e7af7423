import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, test } from 'vitest';
import { LARGE_OBJECT_BYTES } from '../../src/batch/processBatch.js';
import { OPTIMISTIC_MAX_BYTES } from '../../src/batch/processObject.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import {
  RESULTS_BUCKET,
  TEST_EVENT_BODY,
  UPLOAD_BUCKET,
  batchContext,
  s3NotificationBody,
  s3RecordFactory,
  sqsEvent,
  sqsRecordFactory,
  reprocessAttributes,
} from '../helpers/events.js';
import { s3Error } from '../helpers/fakeS3.js';
import { createTestWorker } from '../helpers/worker.js';

type Worker = ReturnType<typeof createTestWorker>;
let worker: Worker;
beforeEach(() => {
  worker = createTestWorker();
});

const invoke = (event: SQSEvent, remainingMs?: () => number): Promise<SQSBatchResponse> => worker.handler(event, batchContext(remainingMs));

/** Uploads `content` to the fake upload bucket and returns the SQS message announcing it (its size as given, or the content's). */
const upload = (key: string, content: string, messageId?: string, size = content.length) => {
  const stored = worker.s3.put(UPLOAD_BUCKET, key, content, 'v1');
  const record = s3RecordFactory({ key, size, versionId: stored.versionId, eTag: stored.etag.replaceAll('"', '') });
  return sqsRecordFactory(s3NotificationBody(record), { messageId });
};

/** The same message on its next receive, as SQS redelivers it after a failure. */
const redelivered = (message: SQSRecord): SQSRecord => ({ ...message, attributes: { ...message.attributes, ApproximateReceiveCount: '2' } });

const manifest = (key: string): Manifest | undefined => {
  const body = worker.s3.read(RESULTS_BUCKET, `manifests/${key}.json`);
  return body === undefined ? undefined : (JSON.parse(body) as Manifest);
};

const failedIds = (response: SQSBatchResponse) => response.batchItemFailures.map((failure) => failure.itemIdentifier).sort();

describe('worker: a mixed batch', () => {
  test('reports exactly the unusable and transiently failing messages', async () => {
    const event = sqsEvent(
      sqsRecordFactory(TEST_EVENT_BODY, { messageId: 'test-event' }),
      upload('incoming/text/good.txt', 'hello', 'valid'),
      sqsRecordFactory('not json {', { messageId: 'not-json' }),
      sqsRecordFactory(JSON.stringify({ hello: 'world' }), { messageId: 'not-s3' }),
      upload('incoming/text/flaky.txt', 'flaky', 'transient'),
      upload('incoming/text/corrupt.txt', 'corrupt', 'permanent'),
    );
    expect(failedIds(await invoke(event))).toEqual(['not-json', 'not-s3', 'transient']);
    expect(manifest('incoming/text/good.txt')).toMatchObject({
      status: 'processed',
      counts: { characters: 5 },
      processor: { name: 'upper-case', version: '1.0.0' },
    });
    expect(manifest('incoming/text/corrupt.txt')).toMatchObject({ status: 'rejected', reason: 'content: must not be corrupt, corrupt given' });
    expect(manifest('incoming/text/flaky.txt')).toBeUndefined();
  });

  test('writes the output under processed/<key>/<version>/ and the manifest lists it with its checksum', async () => {
    await invoke(sqsEvent(upload('incoming/text/a b+c%d ünï.txt', 'hello')));
    const key = 'processed/incoming/text/a b+c%d ünï.txt/v1/upper.txt';
    expect(worker.s3.read(RESULTS_BUCKET, key)).toBe('HELLO');
    expect(manifest('incoming/text/a b+c%d ünï.txt')?.outputs).toEqual([
      { key, bytes: 5, contentType: 'text/plain', sha256: createHash('sha256').update('HELLO').digest('base64') },
    ]);
  });

  test('suffixes route in any case: IMG_0001.TXT and Notes.Txt are processed like .txt', async () => {
    expect(await invoke(sqsEvent(upload('incoming/text/IMG_0001.TXT', 'a'), upload('incoming/text/Notes.Txt', 'b')))).toEqual({ batchItemFailures: [] });
    expect(manifest('incoming/text/IMG_0001.TXT')).toMatchObject({ status: 'processed', processor: { name: 'upper-case' } });
    expect(manifest('incoming/text/Notes.Txt')).toMatchObject({ status: 'processed', processor: { name: 'upper-case' } });
  });

  test('an empty batch and empty Records answer with no failures', async () => {
    expect(await invoke(sqsEvent())).toEqual({ batchItemFailures: [] });
    expect(await invoke(sqsEvent(sqsRecordFactory(JSON.stringify({ Records: [] }))))).toEqual({ batchItemFailures: [] });
  });

  test('an unexpected exception in a processor retries only its message', async () => {
    const event = sqsEvent(upload('incoming/text/ok.txt', 'fine', 'ok'), upload('incoming/text/bug.txt', 'boom', 'bug'));
    expect(failedIds(await invoke(event))).toEqual(['bug']);
  });
});

describe('worker: several S3 records in one message', () => {
  test('one transient failure retries the whole message; on the next receive the finished object is a duplicate, not read again', async () => {
    worker.s3.put(UPLOAD_BUCKET, 'incoming/text/1.txt', 'one', 'v1');
    worker.s3.put(UPLOAD_BUCKET, 'incoming/text/2.txt', 'flaky', 'v1');
    const body = s3NotificationBody(
      s3RecordFactory({ key: 'incoming/text/1.txt', versionId: 'v1' }),
      s3RecordFactory({ key: 'incoming/text/2.txt', versionId: 'v1' }),
    );
    const message = sqsRecordFactory(body, { messageId: 'two-records' });
    expect(failedIds(await invoke(sqsEvent(message)))).toEqual(['two-records']);
    expect(manifest('incoming/text/1.txt')?.status).toBe('processed');
    worker.s3.put(UPLOAD_BUCKET, 'incoming/text/2.txt', 'two', 'v1');
    const callsBefore = worker.s3.calls.length;
    expect(await invoke(sqsEvent(redelivered(message)))).toEqual({ batchItemFailures: [] });
    const callsOnOne = worker.s3.calls.slice(callsBefore).filter((call) => call.key.includes('incoming/text/1.txt'));
    expect(callsOnOne.map(({ name, key }) => `${name} ${key}`)).toEqual(['GetObjectCommand manifests/incoming/text/1.txt.json']);
  });
});

describe('worker: permanent outcomes are recorded, not retried', () => {
  test.each([
    { name: 'too large', key: 'incoming/text/big.txt', size: 1001, reason: 'size: must be at most 1000 bytes, 1001 given' },
    {
      name: 'no route',
      key: 'incoming/other/a.csv',
      size: 1,
      reason: "key: matches no route (text: incoming/text/*{.txt}; suffixes in any case), 'incoming/other/a.csv' given",
    },
  ])('$name', async ({ key, size, reason }) => {
    const message = sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key, size })));
    expect(await invoke(sqsEvent(message))).toEqual({ batchItemFailures: [] });
    expect(manifest(key)).toMatchObject({ status: 'rejected', reason });
  });

  test('a key that cannot map into the results layout is recorded under manifests/_unmapped/', async () => {
    const message = sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/text/../escape.txt' })));
    expect(await invoke(sqsEvent(message))).toEqual({ batchItemFailures: [] });
    const [stored] = worker.s3.keys(RESULTS_BUCKET);
    expect(stored).toMatch(/^manifests\/_unmapped\/[0-9a-f]{64}\.json$/);
    expect(JSON.parse(worker.s3.read(RESULTS_BUCKET, stored ?? '') ?? '{}')).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining("'..' segments"),
    });
  });

  test.each([
    { name: 'NoSuchKey', error: s3Error('NoSuchKey', 404) },
    { name: 'NoSuchVersion', error: s3Error('NoSuchVersion', 404) },
  ])('an object gone before processing ($name) is rejected with the reason', async ({ error }) => {
    const message = upload('incoming/text/gone.txt', 'x');
    worker.s3.fail((command) => command.input.Key === 'incoming/text/gone.txt', error);
    expect(await invoke(sqsEvent(message))).toEqual({ batchItemFailures: [] });
    expect(manifest('incoming/text/gone.txt')?.reason).toContain('deleted before processing');
  });

  test('a delete event is skipped without a manifest', async () => {
    const message = sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/text/a.txt', eventName: 'ObjectRemoved:Delete' })));
    expect(await invoke(sqsEvent(message))).toEqual({ batchItemFailures: [] });
    expect(worker.s3.keys(RESULTS_BUCKET)).toEqual([]);
  });
});

describe('worker: transient S3 failures are retried', () => {
  test.each([
    { name: 'S3 500', error: s3Error('InternalError', 500) },
    { name: 'throttling', error: s3Error('SlowDown', 503) },
    { name: 'network', error: Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' }) },
  ])('$name on reading the object', async ({ error }) => {
    const message = upload('incoming/text/a.txt', 'x', 'm');
    worker.s3.fail((command) => command.input.Key === 'incoming/text/a.txt', error);
    expect(failedIds(await invoke(sqsEvent(message)))).toEqual(['m']);
    expect(manifest('incoming/text/a.txt')).toBeUndefined();
  });

  test('S3 500 on writing the manifest', async () => {
    const message = upload('incoming/text/a.txt', 'x', 'm');
    worker.s3.fail(
      (command) => command.input.Key === 'manifests/incoming/text/a.txt.json' && command.constructor.name === 'PutObjectCommand',
      s3Error('InternalError', 500),
    );
    expect(failedIds(await invoke(sqsEvent(message)))).toEqual(['m']);
  });
});

describe('worker: idempotency and ordering', () => {
  test('a duplicated notification (same version) of a small file is recorded once', async () => {
    const message = upload('incoming/text/a.txt', 'x');
    await invoke(sqsEvent(message));
    const before = worker.s3.read(RESULTS_BUCKET, 'manifests/incoming/text/a.txt.json');
    const duplicate = { ...message, messageId: 'another-delivery' };
    expect(await invoke(sqsEvent(duplicate))).toEqual({ batchItemFailures: [] });
    expect(worker.s3.read(RESULTS_BUCKET, 'manifests/incoming/text/a.txt.json')).toBe(before);
  });

  test('a duplicated notification (same version) of a large file is processed once', async () => {
    worker = createTestWorker({ maxObjectBytes: 2 * OPTIMISTIC_MAX_BYTES });
    const message = upload('incoming/text/a.txt', 'x', 'first', OPTIMISTIC_MAX_BYTES + 1);
    await invoke(sqsEvent(message));
    const duplicate = { ...message, messageId: 'another-delivery' };
    expect(await invoke(sqsEvent(duplicate))).toEqual({ batchItemFailures: [] });
    expect(worker.s3.calls.filter((call) => call.key === 'incoming/text/a.txt')).toHaveLength(1);
  });

  test('an older event arriving after a newer version was processed leaves the newer result', async () => {
    worker.s3.put(UPLOAD_BUCKET, 'incoming/text/a.txt', 'new', 'v2');
    const newer = sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/text/a.txt', versionId: 'v2', sequencer: '0062000000000000B' })));
    const older = sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/text/a.txt', versionId: 'v1', sequencer: '0062000000000000A' })));
    await invoke(sqsEvent(newer));
    expect(await invoke(sqsEvent(older))).toEqual({ batchItemFailures: [] });
    expect(manifest('incoming/text/a.txt')?.source.versionId).toBe('v2');
  });

  test("when sequencers tie (LocalStack sends one constant), S3's current version decides which event is older", async () => {
    const tied = '0055AED6DCD90281E5';
    worker.s3.put(UPLOAD_BUCKET, 'incoming/text/a.txt', 'new', 'v2');
    const event = (versionId: string) => sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/text/a.txt', versionId, sequencer: tied })));
    await invoke(sqsEvent(event('v2')));
    expect(await invoke(sqsEvent(event('v1')))).toEqual({ batchItemFailures: [] });
    expect(manifest('incoming/text/a.txt')?.source.versionId).toBe('v2');
  });

  test('without a version id, an overwritten object (IfMatch fails) is skipped for its own newer event', async () => {
    worker.s3.put(UPLOAD_BUCKET, 'incoming/text/a.txt', 'newer content');
    const stale = sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/text/a.txt', eTag: 'etag-of-the-old-content' })));
    expect(await invoke(sqsEvent(stale))).toEqual({ batchItemFailures: [] });
    expect(manifest('incoming/text/a.txt')).toBeUndefined();
  });
});

describe('worker: an explicit reprocess (message attribute)', () => {
  test('reprocesses a version that already has a manifest; the same body without the attribute stays a duplicate', async () => {
    const message = upload('incoming/text/a.txt', 'x');
    await invoke(sqsEvent(message));
    const first = manifest('incoming/text/a.txt');
    const plain = { ...message, messageId: 'plain-duplicate' };
    await invoke(sqsEvent(plain));
    expect(manifest('incoming/text/a.txt')).toEqual(first);
    const reprocess = sqsRecordFactory(message.body, { messageAttributes: reprocessAttributes() });
    expect(await invoke(sqsEvent(reprocess))).toEqual({ batchItemFailures: [] });
    expect(manifest('incoming/text/a.txt')?.timings).not.toEqual(first?.timings);
    expect(worker.s3.calls.filter((call) => call.key === 'incoming/text/a.txt')).toHaveLength(3);
  });
});

describe('worker: limits', () => {
  test('large objects: never more at once than the concurrency setting', async () => {
    worker = createTestWorker({ concurrency: 3, maxObjectBytes: LARGE_OBJECT_BYTES });
    worker.s3.getDelayMs = 20;
    const messages = Array.from({ length: 12 }, (_, index) => upload(`incoming/text/${index}.txt`, 'x', undefined, LARGE_OBJECT_BYTES));
    expect(await invoke(sqsEvent(...messages))).toEqual({ batchItemFailures: [] });
    expect(worker.s3.maxInFlight).toBe(3);
  });

  test('small objects: a batch of 10 runs in one wave, not ⌈10 / concurrency⌉', async () => {
    worker = createTestWorker({ concurrency: 3 });
    worker.s3.getDelayMs = 20;
    const messages = Array.from({ length: 10 }, (_, index) => upload(`incoming/text/${index}.txt`, 'x'));
    expect(await invoke(sqsEvent(...messages))).toEqual({ batchItemFailures: [] });
    expect(worker.s3.maxInFlight).toBe(10);
  });

  test('stops starting objects when the time budget runs low and reports them for retry', async () => {
    worker = createTestWorker({ concurrency: 1, maxObjectBytes: LARGE_OBJECT_BYTES, timeBudget: { startMarginMs: 5_000, abortMarginMs: 1_000 } });
    const messages = ['a', 'b', 'c', 'd'].map((name) => upload(`incoming/text/${name}.txt`, 'x', name, LARGE_OBJECT_BYTES));
    const objectsRead = () => worker.s3.calls.filter((call) => call.key.startsWith('incoming/')).length;
    // Each object read costs 2 s of 8 s: a and b start, then c and d find less than 5 s left.
    const response = await invoke(sqsEvent(...messages), () => 8_000 - 2_000 * objectsRead());
    expect(failedIds(response)).toEqual(['c', 'd']);
    expect(manifest('incoming/text/a.txt')?.status).toBe('processed');
  });

  test('with a 1 s timeout and default margins, objects still start and finish', async () => {
    worker = createTestWorker({ timeBudget: undefined });
    const message = upload('incoming/text/quick.txt', 'x', 'quick');
    const deadline = Date.now() + 1_000;
    expect(await invoke(sqsEvent(message), () => deadline - Date.now())).toEqual({ batchItemFailures: [] });
    expect(manifest('incoming/text/quick.txt')?.status).toBe('processed');
  });

  test('aborts an in-flight object before the Lambda timeout and reports it for retry', async () => {
    worker = createTestWorker({ timeBudget: { startMarginMs: 0, abortMarginMs: 50 } });
    worker.s3.getDelayMs = 500;
    const message = upload('incoming/text/slow.txt', 'x', 'slow');
    const deadline = Date.now() + 100;
    const response = await invoke(sqsEvent(message), () => deadline - Date.now());
    expect(failedIds(response)).toEqual(['slow']);
  });
});
