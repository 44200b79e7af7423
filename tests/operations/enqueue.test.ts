import type { SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { notificationFor, parseRate } from '../../operations/enqueue.js';
import { objectsIn } from '../../operations/queues.js';
import { parseMessage } from '../../src/middleware/parseS3Notifications.js';

const sqsRecord = (body: string): SQSRecord => ({ body, attributes: { ApproximateReceiveCount: '1' } }) as unknown as SQSRecord;

test("the worker's own parser reads a request back as the object it names, whatever the key", () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 60 }),
      fc.nat(),
      fc.option(fc.stringMatching(/^[0-9A-Za-z._]{1,32}$/), { nil: undefined }),
      (tail, size, versionId) => {
        const source = { bucket: 'uploads', key: `incoming/${tail}`, versionId, eTag: 'abc', size, sequencer: '' };
        const parsed = parseMessage(sqsRecord(notificationFor(source, 'eu-west-1', 'backfill')));
        expect(parsed.kind).toBe('objects');
        if (parsed.kind !== 'objects') return;
        expect(parsed.objects).toHaveLength(1);
        expect(parsed.objects[0]?.eventName).toBe('ObjectCreated:Put');
        expect(parsed.objects[0]?.source).toEqual(source);
        expect(objectsIn(notificationFor(source, 'eu-west-1', 'backfill'))).toEqual([{ bucket: 'uploads', key: source.key, versionId }]);
      },
    ),
  );
});

test('objectsIn reads nothing from a body that is not a notification', () => {
  expect(objectsIn('not json')).toEqual([]);
  expect(objectsIn('{"Event":"s3:TestEvent"}')).toEqual([]);
});

test('--rate must be a positive number', () => {
  expect(parseRate(undefined)).toBe(50);
  expect(parseRate('2.5')).toBe(2.5);
  expect(() => parseRate('0')).toThrow("--rate: must be a positive number of messages per second, '0' given");
  expect(() => parseRate('fast')).toThrow(/'fast' given/);
});
