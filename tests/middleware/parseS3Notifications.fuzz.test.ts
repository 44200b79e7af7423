/**
 * The message body is untrusted input. Whatever it holds, parsing must not throw, must classify
 * the message (objects, acknowledged, or unusable with a reason), and must decode every key S3
 * could have encoded back to exactly the key that was uploaded.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ParsedMessage } from '../../src/batch/types.js';
import { parseMessage, parseS3Notifications } from '../../src/middleware/parseS3Notifications.js';
import { batchRequest, s3NotificationBody, s3RecordFactory, sqsEvent, sqsRecordFactory } from '../helpers/events.js';

const UNUSABLE_REASON = /^(body: must be|Records\[\d+\]: must be|s3\.object\.key: must be URL-encoded)/;

/** Parses `body` as one message and checks what holds for any input. */
const parsed = (body: string): ParsedMessage => {
  const record = sqsRecordFactory(body);
  const message = parseMessage(record);
  expect(message.record).toBe(record);
  if (message.kind === 'unusable') expect(message.reason).toMatch(UNUSABLE_REASON);
  return message;
};

/** Any UTF-16 text, lone surrogates included. */
const anyText = fc.oneof(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }), fc.string({ unit: 'binary' }));

/** Mostly the right type for a field; sometimes any JSON value in its place, or nothing (`JSON.stringify` drops `undefined`). */
const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary, weight: 12 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });

const percent = (text: string, upper: boolean): string =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .map((code) => (upper ? code.toUpperCase() : code))
    .join('');

/** One character of a key, form-URL-encoded one of the ways S3 (or anyone) may: literal where that is unambiguous, else %XX. */
const encodeCharacter = (character: string, how: 'literal' | 'upper' | 'lower'): string => {
  if (how !== 'literal') return percent(character, how === 'upper');
  if (character === ' ') return '+';
  return character === '+' || character === '%' ? percent(character, true) : character;
};

/** A key and one of its valid encodings. */
const encodedKey = fc.string({ unit: 'binary', maxLength: 40 }).chain((key) => {
  const characters = [...key];
  const choices = fc.array(fc.constantFrom('literal', 'upper', 'lower') as fc.Arbitrary<'literal' | 'upper' | 'lower'>, {
    minLength: characters.length,
    maxLength: characters.length,
  });
  return fc.tuple(
    fc.constant(key),
    choices.map((how) => characters.map((character, index) => encodeCharacter(character, how[index] ?? 'upper')).join('')),
  );
});

/** Text made mostly of what percent-encoding is built from, so malformed escapes are common. */
const percentNoise = fc.string({ unit: fc.constantFrom('%', '0', '9', 'A', 'f', 'G', 'E', 'C', '+', ' ', '/', 'a', 'é', '😀'), maxLength: 20 });

const recordShape = fc.record(
  {
    eventSource: maybe(fc.constant('aws:s3')),
    eventName: maybe(fc.constantFrom('ObjectCreated:Put', 'ObjectCreated:CompleteMultipartUpload', 'ObjectRemoved:Delete')),
    s3: maybe(
      fc.record({
        bucket: maybe(fc.record({ name: maybe(fc.string()) })),
        object: maybe(
          fc.record(
            {
              key: maybe(
                fc.oneof(
                  encodedKey.map(([, encoded]) => encoded),
                  percentNoise,
                ),
              ),
              size: maybe(fc.nat()),
              eTag: maybe(fc.string()),
              versionId: maybe(fc.string()),
              sequencer: maybe(fc.stringMatching(/^[0-9A-F]{0,20}$/)),
            },
            { requiredKeys: ['key'] },
          ),
        ),
      }),
    ),
  },
  { requiredKeys: ['eventSource', 's3'] },
);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The test's own reading of "an S3 record with a bucket name and a decodable key". */
const usableRecord = (record: unknown): boolean => {
  if (!isObject(record) || record.eventSource !== 'aws:s3' || !isObject(record.s3)) return false;
  const { bucket, object } = record.s3;
  if (!isObject(bucket) || typeof bucket.name !== 'string' || !isObject(object) || typeof object.key !== 'string') return false;
  try {
    decodeURIComponent(object.key);
    return true;
  } catch {
    return false;
  }
};

describe('parseS3Notifications on untrusted bodies (fast-check)', () => {
  test('any text: never throws, always classified', () => {
    fc.assert(fc.property(anyText, (body) => void parsed(body)));
  });

  test('any JSON: never throws; only an S3 notification (or the test event) is usable', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const message = parsed(JSON.stringify(value));
        const notification = isObject(value) && (Array.isArray(value.Records) || value.Event === 's3:TestEvent');
        expect(message.kind === 'unusable').toBe(!notification);
      }),
    );
  });

  test('records of random shapes: the message has all of them as objects, or is unusable', () => {
    fc.assert(
      fc.property(fc.array(recordShape, { minLength: 1, maxLength: 4 }), (records) => {
        const message = parsed(JSON.stringify({ Records: records }));
        expect(message.kind).toBe(records.every(usableRecord) ? 'objects' : 'unusable');
        if (message.kind !== 'objects') return;
        expect(message.objects).toHaveLength(records.length);
        message.objects.forEach(({ eventName, source }, index) => {
          const record = records[index] as { s3: { bucket: { name: string } } };
          expect(source.bucket).toBe(record.s3.bucket.name);
          expect(typeof eventName).toBe('string');
          expect(Number.isFinite(source.size)).toBe(true);
          expect(source.versionId).not.toBe('');
        });
      }),
    );
  });

  test('every valid encoding of a key decodes to that key', () => {
    fc.assert(
      fc.property(encodedKey, ([key, encoded]) => {
        const record = s3RecordFactory({ key: 'placeholder' });
        const body = JSON.stringify({ Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encoded } } }] });
        expect(parsed(body)).toMatchObject({ kind: 'objects', objects: [{ source: { key } }] });
      }),
    );
  });

  test("S3's own encoding round-trips", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        expect(parsed(s3NotificationBody(s3RecordFactory({ key })))).toMatchObject({ kind: 'objects', objects: [{ source: { key } }] });
      }),
    );
  });

  test('malformed percent-encoding makes the message unusable, naming the key', () => {
    fc.assert(
      fc.property(percentNoise, (encoded) => {
        const record = s3RecordFactory({ key: 'placeholder' });
        const message = parsed(JSON.stringify({ Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encoded } } }] }));
        if (message.kind === 'unusable') expect(message.reason).toBe(`s3.object.key: must be URL-encoded, '${encoded}' given`);
        else expect(message.kind).toBe('objects');
      }),
    );
  });

  test('the middleware classifies every message of a batch, in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            anyText,
            fc.json(),
            recordShape.map((record) => JSON.stringify({ Records: [record] })),
          ),
          { maxLength: 10 },
        ),
        (bodies) => {
          const event = sqsEvent(...bodies.map((body) => sqsRecordFactory(body)));
          const request = batchRequest(event);
          parseS3Notifications().before?.(request);
          expect(request.context.messages?.map((message) => message.record)).toEqual(event.Records);
        },
      ),
    );
  });
});
