import { GetObjectCommand, PutObjectCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { text } from 'node:stream/consumers';
import { beforeEach, describe, expect, test } from 'vitest';
import { type ObjectDependencies, OPTIMISTIC_MAX_BYTES, processObject } from '../../src/batch/processObject.js';
import type { Delivery, Rejection, RoutedObject } from '../../src/batch/types.js';
import { TransientError } from '../../src/errors.js';
import type { ProcessorModule } from '../../src/processors/types.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { manifestKey } from '../../src/storage/resultKeys.js';
import type { SourceObject } from '../../src/types.js';
import { FIRST_DELIVERY, RESULTS_BUCKET, UPLOAD_BUCKET } from '../helpers/events.js';
import { s3Error } from '../helpers/fakeS3.js';
import { TEXT_ROUTE, createTestWorker, upperCaseProcessor } from '../helpers/worker.js';

let worker: ReturnType<typeof createTestWorker>;
beforeEach(() => {
  worker = createTestWorker();
});

const run = (task: RoutedObject | Rejection, overrides: Partial<ObjectDependencies> = {}) =>
  processObject(task, { ...worker.deps, signal: new AbortController().signal, ...overrides });

/** Uploads `content` and returns the `RoutedObject` validation would make of its event. */
const routed = (key: string, content: string, event: Partial<SourceObject> = {}, delivery: Delivery = FIRST_DELIVERY): RoutedObject => {
  const stored = worker.s3.put(UPLOAD_BUCKET, key, content, event.versionId ?? 'v1');
  const source = {
    bucket: UPLOAD_BUCKET,
    key,
    versionId: stored.versionId,
    eTag: stored.etag.replaceAll('"', ''),
    size: content.length,
    sequencer: '01',
    ...event,
  };
  return { kind: 'routed', source, route: TEXT_ROUTE, manifestKey: manifestKey(key), delivery };
};

const manifest = (key: string): Manifest | undefined => {
  const body = worker.s3.read(RESULTS_BUCKET, manifestKey(key));
  return body === undefined ? undefined : (JSON.parse(body) as Manifest);
};

const uploadReads = () => worker.s3.calls.filter((call) => call.bucket === UPLOAD_BUCKET);

/** The housekeeping invariant: under processed/<key>/, exactly the current manifest's outputs are untagged. */
const expectOnlyCurrentOutputsUntagged = (key: string) => {
  const outputs = worker.s3.keys(RESULTS_BUCKET).filter((stored) => stored.startsWith(`processed/${key}/`));
  const untagged = outputs.filter((stored) => !worker.s3.tagged(RESULTS_BUCKET, stored, 'superseded', 'true').includes(stored));
  expect(untagged).toEqual((manifest(key)?.outputs ?? []).map((output) => output.key).sort());
};

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
      delivery: FIRST_DELIVERY,
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
  test('a new small file costs 3 S3 requests: the object, its output, the manifest written if none exists', async () => {
    await run(routed('incoming/text/a.txt', 'x'));
    expect(worker.s3.calls.map(({ name, key }) => `${name} ${key}`)).toEqual([
      'GetObjectCommand incoming/text/a.txt',
      'PutObjectCommand processed/incoming/text/a.txt/v1/upper.txt',
      'PutObjectCommand manifests/incoming/text/a.txt.json',
    ]);
  });

  test('a small duplicate is processed again but loses the manifest write: a duplicate, the manifest unchanged', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    await run(task);
    const before = worker.s3.read(RESULTS_BUCKET, task.manifestKey);
    expect(await run(task)).toEqual({ status: 'duplicate', reason: 'this version already has a manifest' });
    expect(worker.s3.read(RESULTS_BUCKET, task.manifestKey)).toBe(before);
    expect(worker.s3.tagged(RESULTS_BUCKET, 'processed/', 'superseded', 'true')).toEqual([]);
  });

  test.each([
    { name: 'a large file', size: OPTIMISTIC_MAX_BYTES + 1, delivery: FIRST_DELIVERY },
    { name: 'a small file on a later receive', size: 1, delivery: { reprocess: false, receiveCount: 2 } },
  ])('$name is checked first: its duplicate is not read again', async ({ size, delivery }) => {
    const task = routed('incoming/text/a.txt', 'x', { size }, delivery);
    await run(task);
    expect(worker.s3.calls[0]).toMatchObject({ name: 'GetObjectCommand', key: task.manifestKey });
    const reads = uploadReads().length;
    expect(await run(task)).toEqual({ status: 'duplicate', reason: 'this version already has a manifest' });
    expect(uploadReads()).toHaveLength(reads);
  });

  test('an older event than the recorded one is skipped, and the outputs it wrote are tagged superseded', async () => {
    await run(routed('incoming/text/a.txt', 'new', { versionId: 'v2', sequencer: '02' }));
    expect(await run(routed('incoming/text/a.txt', 'old', { versionId: 'v1', sequencer: '01' }))).toEqual({
      status: 'skipped',
      reason: 'a newer version of this key was already processed',
    });
    expect(manifest('incoming/text/a.txt')?.source.versionId).toBe('v2');
    expectOnlyCurrentOutputsUntagged('incoming/text/a.txt');
  });

  test('a newer version replaces the manifest and tags the outputs of the one it replaced', async () => {
    await run(routed('incoming/text/a.txt', 'old', { versionId: 'v1', sequencer: '01' }));
    expect(await run(routed('incoming/text/a.txt', 'new', { versionId: 'v2', sequencer: '02' }))).toEqual({ status: 'processed', bytes: 3 });
    expect(worker.s3.tagged(RESULTS_BUCKET, 'processed/', 'superseded', 'true')).toEqual(['processed/incoming/text/a.txt/v1/upper.txt']);
    expectOnlyCurrentOutputsUntagged('incoming/text/a.txt');
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

const REPROCESS: Delivery = { reprocess: true, receiveCount: 1 };

/** A processor at version 2.0.0 that writes `name` instead of upper.txt. */
const version2 = (name: string): ProcessorModule => ({
  name: 'upper-case',
  version: '2.0.0',
  process: async (input, _context, sink) => {
    await sink.write(name, Buffer.from((await text(input)).toUpperCase()), 'text/plain');
    return { counts: { version: 2 } };
  },
});

describe('processObject: an explicit reprocess', () => {
  test('replaces the manifest of the same version over the ETag it read, and tags the outputs the new one drops', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    await run(task);
    const outcome = await run({ ...task, delivery: REPROCESS }, { loadProcessor: async () => version2('upper-v2.txt') });
    expect(outcome).toEqual({ status: 'processed', bytes: 1 });
    expect(manifest('incoming/text/a.txt')).toMatchObject({
      processor: { version: '2.0.0' },
      outputs: [{ key: 'processed/incoming/text/a.txt/v1/upper-v2.txt' }],
    });
    expect(worker.s3.tagged(RESULTS_BUCKET, 'processed/', 'superseded', 'true')).toEqual(['processed/incoming/text/a.txt/v1/upper.txt']);
    expectOnlyCurrentOutputsUntagged('incoming/text/a.txt');
  });

  test('an output the new manifest still lists (same version, same name) is rewritten, never tagged', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    await run(task);
    expect(await run({ ...task, delivery: REPROCESS }, { loadProcessor: async () => version2('upper.txt') })).toEqual({ status: 'processed', bytes: 1 });
    expect(manifest('incoming/text/a.txt')?.processor?.version).toBe('2.0.0');
    expect(worker.s3.tagged(RESULTS_BUCKET, 'processed/', 'superseded', 'true')).toEqual([]);
  });

  test('an older version than the recorded one still loses', async () => {
    await run(routed('incoming/text/a.txt', 'new', { versionId: 'v2', sequencer: '02' }));
    const older = routed('incoming/text/a.txt', 'old', { versionId: 'v1', sequencer: '01' }, REPROCESS);
    expect(await run(older)).toEqual({ status: 'skipped', reason: 'a newer version of this key was already processed' });
    expect(manifest('incoming/text/a.txt')?.source.versionId).toBe('v2');
  });

  test('losing the replace to another writer of the same version is a duplicate, with our outputs tagged unless it lists them', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    await run(task);
    const racing: ProcessorModule = {
      ...version2('mine.txt'),
      process: async (input, context, sink) => {
        const current = worker.s3.read(RESULTS_BUCKET, task.manifestKey) ?? '';
        worker.s3.put(RESULTS_BUCKET, task.manifestKey, current.replace('"1.0.0"', '"1.0.1"'));
        return version2('mine.txt').process(input, context, sink);
      },
    };
    expect(await run({ ...task, delivery: REPROCESS }, { loadProcessor: async () => racing })).toEqual({
      status: 'duplicate',
      reason: 'this version already has a manifest',
    });
    expect(manifest('incoming/text/a.txt')?.processor?.version).toBe('1.0.1');
    expectOnlyCurrentOutputsUntagged('incoming/text/a.txt');
  });

  test('a tagging failure does not change the outcome; it comes back as a warning', async () => {
    const task = routed('incoming/text/a.txt', 'x');
    await run(task);
    worker.s3.fail((command) => command instanceof PutObjectTaggingCommand, s3Error('AccessDenied', 403));
    expect(await run({ ...task, delivery: REPROCESS }, { loadProcessor: async () => version2('other.txt') })).toEqual({
      status: 'processed',
      bytes: 1,
      warning: `superseded outputs left untagged (1 of 1), the lifecycle rule will not expire them: s3://${RESULTS_BUCKET}/processed/incoming/text/a.txt/v1/upper.txt: AccessDenied`,
    });
  });
});

test('the processor gets the deadline of the time budget', async () => {
  let seen: number | undefined;
  const spy: ProcessorModule = {
    ...upperCaseProcessor,
    process: async (input, context, sink) => {
      seen = context.deadline;
      return upperCaseProcessor.process(input, context, sink);
    },
  };
  await run(routed('incoming/text/a.txt', 'x'), { deadline: 1_795_942_800_000, loadProcessor: async () => spy });
  expect(seen).toBe(1_795_942_800_000);
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
