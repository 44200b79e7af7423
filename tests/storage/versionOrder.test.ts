import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, test } from 'vitest';
import { TransientError } from '../../src/errors.js';
import { compareSequencers, decide, decideOrder } from '../../src/storage/versionOrder.js';
import type { SourceObject } from '../../src/types.js';
import { UPLOAD_BUCKET } from '../helpers/events.js';
import { FakeS3, s3Error } from '../helpers/fakeS3.js';

const source = (overrides: Partial<SourceObject>): SourceObject => ({ bucket: UPLOAD_BUCKET, key: 'incoming/a.csv', size: 1, sequencer: '0055', ...overrides });

describe('compareSequencers', () => {
  test.each([
    ['0A', '0B', -1],
    ['0B', '0A', 1],
    ['0A1', '0A10', 0],
    ['0062F', '0062E00000', 1],
    ['0062e', '0062E', 0],
  ])('%s vs %s → %i', (a, b, expected) => expect(compareSequencers(a, b)).toBe(expected));
});

describe('decide', () => {
  test.each([
    { name: 'nothing recorded', recorded: undefined, event: {}, expected: 'process' },
    { name: 'same version id', recorded: source({ versionId: 'v1', sequencer: '01' }), event: { versionId: 'v1', sequencer: '02' }, expected: 'duplicate' },
    { name: 'same eTag, unversioned', recorded: source({ eTag: 'e', sequencer: '01' }), event: { eTag: 'e', sequencer: '02' }, expected: 'duplicate' },
    { name: 'no version id and no eTag', recorded: source({ sequencer: '01' }), event: { sequencer: '02' }, expected: 'process' },
    { name: 'newer event', recorded: source({ versionId: 'v1', sequencer: '01' }), event: { versionId: 'v2', sequencer: '02' }, expected: 'process' },
    { name: 'older event', recorded: source({ versionId: 'v2', sequencer: '02' }), event: { versionId: 'v1', sequencer: '01' }, expected: 'stale' },
    {
      name: 'older event, shorter sequencer',
      recorded: source({ versionId: 'v2', sequencer: '0062F' }),
      event: { versionId: 'v1', sequencer: '0062E00000' },
      expected: 'stale',
    },
  ] as const)('$name → $expected', ({ recorded, event, expected }) => {
    expect(decide(recorded, source(event))).toBe(expected);
  });
});

describe('decideOrder: tied sequencers (LocalStack sends one constant) ask S3 for the current version', () => {
  const tied = '0055AED6DCD90281E5';
  const signal = new AbortController().signal;

  test.each([
    { name: 'the recorded version is current: the event is older', current: 'v2', expected: 'stale' },
    { name: 'the event names the current version: it is newer', current: 'v1', expected: 'process' },
  ])('$name', async ({ current, expected }) => {
    const s3 = new FakeS3();
    s3.put(UPLOAD_BUCKET, 'incoming/a.csv', 'x', current);
    const decision = await decideOrder(source({ versionId: 'v2', sequencer: tied }), source({ versionId: 'v1', sequencer: tied }), s3.asClient(), signal);
    expect(decision).toBe(expected);
    expect(s3.calls).toEqual([{ name: 'HeadObjectCommand', bucket: UPLOAD_BUCKET, key: 'incoming/a.csv' }]);
  });

  test.each([
    { name: 'a backfill request for the current version wins over an older recorded one', current: 'v2', expected: 'process' },
    { name: 'a backfill request for an older version loses to the recorded current one', current: 'v1', expected: 'stale' },
  ])('no sequencer (sls files:backfill): $name', async ({ current, expected }) => {
    const s3 = new FakeS3();
    s3.put(UPLOAD_BUCKET, 'incoming/a.csv', 'x', current);
    // The recorded version came with a real sequencer; the request has none.
    const decision = await decideOrder(source({ versionId: 'v1', sequencer: '0062F' }), source({ versionId: 'v2', sequencer: '' }), s3.asClient(), signal);
    expect(decision).toBe(expected);
  });

  test('a key deleted since is processed (its manifest records the deletion as a rejection)', async () => {
    const s3 = new FakeS3();
    expect(await decideOrder(source({ versionId: 'v2', sequencer: tied }), source({ versionId: 'v1', sequencer: tied }), s3.asClient(), signal)).toBe(
      'process',
    );
  });

  test('sequencers that differ never cost a HeadObject', async () => {
    const s3 = new FakeS3();
    expect(await decideOrder(source({ versionId: 'v2', sequencer: '02' }), source({ versionId: 'v1', sequencer: '01' }), s3.asClient(), signal)).toBe('stale');
    expect(s3.calls).toEqual([]);
  });

  test('a failing HeadObject is a transient error naming the key', async () => {
    const s3 = new FakeS3();
    s3.fail((command) => command instanceof HeadObjectCommand, s3Error('InternalError', 500));
    await expect(
      decideOrder(source({ versionId: 'v2', sequencer: tied }), source({ versionId: 'v1', sequencer: tied }), s3.asClient(), signal),
    ).rejects.toThrow(new TransientError(`reading the current version of s3://${UPLOAD_BUCKET}/incoming/a.csv: InternalError (HTTP 500): InternalError`));
  });
});
