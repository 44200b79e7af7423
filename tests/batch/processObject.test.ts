import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, test } from 'vitest';
import { type ObjectDependencies, processObject } from '../../src/batch/processObject.js';
import type { Rejection, RoutedObject } from '../../src/batch/types.js';
import { TransientError } from '../../src/errors.js';
import type { ProcessorModule } from '../../src/processors/types.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { manifestKey } from '../../src/storage/resultKeys.js';
import type { SourceObject } from '../../src/types.js';
import { RESULTS_BUCKET, UPLOAD_BUCKET } from '../helpers/events.js';
import { s3Error } from '../helpers/fakeS3.js';
import { TEXT_ROUTE, createTestWorker, upperCaseProcessor } from '../helpers/worker.js';

let worker: ReturnType<typeof createTestWorker>;
beforeEach(() => {
  worker = createTestWorker();
});

const run = (task: RoutedObject | Rejection, overrides: Partial<ObjectDependencies> = {}) =>
  processObject(task, { ...worker.deps, signal: new AbortController().signal, ...overrides });

/** Uploads `content` and returns the `RoutedObject` validation would make of its event. */
const routed = (key: string, content: string, event: Partial<SourceObject> = {}): RoutedObject => {
  const stored = worker.s3.put(UPLOAD_BUCKET, key, content, 'v1');
  const source = {
    bucket: UPLOAD_BUCKET,
    key,
    versionId: stored.versionId,
    eTag: stored.etag.replaceAll('"', ''),
    size: content.length,
    sequencer: '01',
    ...event,
  };
  return { kind: 'routed', source, route: TEXT_ROUTE, manifestKey: manifestKey(key) };
};

const manifest = (key: string): Manifest | undefined => {
  const body = worker.s3.read(RESULTS_BUCKET, manifestKey(key));
  return body === undefined ? undefined : (JSON.parse(body) as Manifest);
};

const uploadReads = () => worker.s3.calls.filter((call) => call.bucket === UPLOAD_BUCKET);

describe('processObject: outcomes recorded in a manifest', () => {
  test('a routed object is read, processed and recorded with its outputs', async () => {
    const task = routed('incoming/text/a.txt', 'hello');
    expect(await run(task)).toEqual({ status: 'processed', bytes: 5 });
    expect(manifest('incoming/text/a.txt')).toMatchObject({
      schemaVersion: 1,
      source: task.source,
      status: 'processed',
      processor: { name: 'upper-case', version: '1.0.0' },
      outputs: [{ key: 'processed/incoming/text/a.txt/v1/upper.txt', bytes: 5, contentType: 'text/plain' }],
      counts: { characters: 5 },
      timings: { startedAt: expect.any(String), finishedAt: expect.any(String), durationMs: expect.any(Number) },
    });
  });

  test("validation's rejection is recorded without reading the object, under the key validation chose", async () => {
    const source = { bucket: 'another-bucket', key: 'incoming/text/a.txt', size: 1, sequencer: '01' };
    const task: Rejection = {
      kind: 'rejected',
      source,
      reason: "bucket: must be the upload bucket, 'another-bucket' given",
      manifestKey: 'manifests/_unmapped/x.json',
    };
    expect(await run(task)).toEqual({ status: 'rejected', reason: task.reason });
    expect(JSON.parse(worker.s3.read(RESULTS_BUCKET, 'manifests/_unmapped/x.json') ?? '')).toMatchObject({
      status: 'rejected',
      reason: task.reason,
      processor: null,
      outputs: [],
    });
    expect(uploadReads()).toEqual([]);
  });

  test('a rejection by the processor names the processor', async () => {
    expect(await run(routed('incoming/text/bad.txt', 'corrupt'))).toEqual({ status: 'rejected', reason: 'content: must not be corrupt, corrupt given' });
    expect(manifest('incoming/text/bad.txt')).toMatchObject({ status: 'rejected', processor: { name: 'upper-case' }, counts: {} });
  });

  test('a rejected object keeps the outputs written before the rejection in its manifest', async () => {
    const partial: ProcessorModule = {
      ...upperCaseProcessor,
      process: async (input, context, sink) => {
        await sink.write('first.txt', Buffer.from('1'), 'text/plain');
        return upperCaseProcessor.process(input, context, sink);
      },
    };
    await run(routed('incoming/text/bad.txt', 'corrupt'), { loadProcessor: async () => partial });
    expect(manifest('incoming/text/bad.txt')?.outputs).toMatchObject([{ key: 'processed/incoming/text/bad.txt/v1/first.txt', bytes: 1 }]);
  });

  test('an unknown processor is a rejection without a processor', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    expect(await run({ ...task, route: { ...TEXT_ROUTE, processor: 'pdf-to-text' } })).toEqual({
      status: 'rejected',
      reason: "processor: unknown, 'pdf-to-text' given",
    });
    expect(manifest('incoming/text/a.txt')).toMatchObject({ status: 'rejected', processor: null });
  });

  test('an object deleted before processing is rejected with the reason', async () => {
    const task = routed('incoming/text/gone.txt', 'x');
    worker.s3.objects.delete(`${UPLOAD_BUCKET}/incoming/text/gone.txt`);
    expect(await run(task)).toMatchObject({ status: 'rejected', reason: expect.stringContaining('deleted before processing') });
  });
});

describe('processObject: nothing recorded twice, nothing older over newer', () => {
  test('the same version again is a duplicate and is not read', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    await run(task);
    const reads = uploadReads().length;
    expect(await run(task)).toEqual({ status: 'duplicate', reason: 'this version already has a manifest' });
    expect(uploadReads()).toHaveLength(reads);
  });

  test('an older event than the recorded one is skipped', async () => {
    await run(routed('incoming/text/a.txt', 'new', { versionId: 'v2', sequencer: '02' }));
    expect(await run(routed('incoming/text/a.txt', 'old', { versionId: 'v1', sequencer: '01' }))).toEqual({
      status: 'skipped',
      reason: 'a newer version of this key was already processed',
    });
  });

  test('an overwritten object (no version id, ETag no longer matches) is skipped for its own newer event', async () => {
    const task = routed('incoming/text/a.txt', 'x', { versionId: undefined, eTag: 'etag-of-the-old-content' });
    expect(await run(task)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('the object was overwritten') });
    expect(manifest('incoming/text/a.txt')).toBeUndefined();
  });

  test('losing the manifest race to a writer of the same version is a duplicate', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    // Another worker records this version while ours is processing.
    const racing: ProcessorModule = {
      ...upperCaseProcessor,
      process: async (input, context, sink) => {
        worker.s3.put(RESULTS_BUCKET, task.manifestKey, JSON.stringify({ source: task.source }));
        return upperCaseProcessor.process(input, context, sink);
      },
    };
    expect(await run(task, { loadProcessor: async () => racing })).toEqual({ status: 'duplicate', reason: 'this version already has a manifest' });
  });

  test('losing three write races in a row is retried', async () => {
    worker.s3.fail(
      (command) => command instanceof PutObjectCommand && command.input.Key?.startsWith('manifests/') === true,
      s3Error('PreconditionFailed', 412),
      3,
    );
    expect(await run(routed('incoming/text/a.txt', 'x'))).toEqual({
      status: 'retry',
      reason: 'manifest manifests/incoming/text/a.txt.json: lost 3 conditional-write races',
    });
  });
});

describe('processObject: never throws; what may pass is retried', () => {
  test.each([
    { name: 'a transient processor error', content: 'flaky', reason: 'downstream: throttled' },
    { name: 'a bug in the processor', content: 'boom', reason: 'unexpected TypeError: unexpected bug' },
  ])('$name', async ({ content, reason }) => {
    expect(await run(routed('incoming/text/a.txt', content))).toEqual({ status: 'retry', reason });
    expect(manifest('incoming/text/a.txt')).toBeUndefined();
  });

  test('S3 failing to read the object', async () => {
    worker.s3.fail((command) => command instanceof GetObjectCommand && command.input.Bucket === UPLOAD_BUCKET, s3Error('SlowDown', 503));
    expect(await run(routed('incoming/text/a.txt', 'x'))).toEqual({
      status: 'retry',
      reason: `reading s3://${UPLOAD_BUCKET}/incoming/text/a.txt: SlowDown (HTTP 503): SlowDown`,
    });
  });

  test('a thrown non-Error', async () => {
    expect(await run(routed('incoming/text/a.txt', 'x'), { loadProcessor: () => Promise.reject('no module') })).toEqual({
      status: 'retry',
      reason: 'unexpected error: no module',
    });
  });

  test('the time budget running out gives its own reason, whatever the processor threw', async () => {
    const controller = new AbortController();
    const budget = new TransientError('time budget: aborted 100 ms before the Lambda timeout');
    const aborted: ProcessorModule = {
      ...upperCaseProcessor,
      process: async () => {
        controller.abort(budget);
        throw new DOMException('The operation was aborted', 'AbortError');
      },
    };
    const outcome = await run(routed('incoming/text/a.txt', 'x'), { signal: controller.signal, loadProcessor: async () => aborted });
    expect(outcome).toEqual({ status: 'retry', reason: budget.message });
  });
});
