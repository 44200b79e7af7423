import { describe, expect, test } from 'vitest';
import { decodeS3Key, parseMessage } from '../../src/middleware/parseS3Notifications.js';
import { TEST_EVENT_BODY, encodeS3Key, s3NotificationBody, s3RecordFactory, sqsRecordFactory } from '../helpers/events.js';

describe('decodeS3Key', () => {
  test.each([
    ['incoming/a+b.csv', 'incoming/a b.csv'],
    ['incoming/a%2Bb.csv', 'incoming/a+b.csv'],
    ['incoming/100%25.csv', 'incoming/100%.csv'],
    ['incoming/%C3%BCber+%F0%9F%98%80.csv', 'incoming/über 😀.csv'],
    ['incoming/plain.csv', 'incoming/plain.csv'],
  ])('%s → %s', (encoded, decoded) => expect(decodeS3Key(encoded)).toBe(decoded));

  test.each(['incoming/a b', 'x+y%z', 'ü/😀/%+', `${'k'.repeat(790)}.csv`])('round-trips %s as S3 encodes it', (key) => {
    expect(decodeS3Key(encodeS3Key(key))).toBe(key);
  });

  test('malformed percent-encoding is an unusable message, naming the key', () => {
    expect(() => decodeS3Key('incoming/%E0%A4%A.csv')).toThrow("s3.object.key: must be URL-encoded, 'incoming/%E0%A4%A.csv' given");
  });
});

describe('parseMessage', () => {
  test.each([
    { name: 'not JSON', body: '{oops', unusable: 'body: must be JSON, not JSON given' },
    { name: 'JSON that is not S3', body: '{"hello":1}', unusable: 'body: must be an S3 event notification with Records, other JSON given' },
    { name: 'a JSON array', body: '[1,2]', unusable: 'body: must be an S3 event notification with Records, other JSON given' },
    { name: 'a record without s3.object', body: '{"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"b"}}}]}', unusable: 'Records[0]: must be an S3 event record with s3.bucket.name and s3.object.key' },
    { name: 'a record from another service', body: '{"Records":[{"eventSource":"aws:sns"}]}', unusable: 'Records[0]: must be an S3 event record with s3.bucket.name and s3.object.key' },
  ])('$name is unusable with a clear reason', ({ body, unusable }) => {
    expect(parseMessage(sqsRecordFactory(body))).toMatchObject({ objects: [], unusable });
  });

  test('the s3:TestEvent is acknowledged, not failed', () => {
    const work = parseMessage(sqsRecordFactory(TEST_EVENT_BODY));
    expect(work).toMatchObject({ objects: [], note: 's3:TestEvent acknowledged' });
    expect(work.unusable).toBeUndefined();
  });

  test('every record of a message becomes an object, keys decoded, receive count read', () => {
    const body = s3NotificationBody(
      s3RecordFactory({ key: 'incoming/a b+c.csv', versionId: 'v1', eTag: 'e1', size: 5, sequencer: '0A' }),
      s3RecordFactory({ key: 'incoming/x.csv', eventName: 'ObjectRemoved:Delete' }),
    );
    const work = parseMessage(sqsRecordFactory(body, { receiveCount: 3 }));
    expect(work.receiveCount).toBe(3);
    expect(work.objects).toHaveLength(2);
    expect(work.objects[0]).toMatchObject({ eventName: 'ObjectCreated:Put', source: { key: 'incoming/a b+c.csv', versionId: 'v1', eTag: 'e1', size: 5, sequencer: '0A' } });
    expect(work.objects[0]?.outcome).toBeUndefined();
    expect(work.objects[1]?.outcome).toEqual({ status: 'skipped', reason: "event 'ObjectRemoved:Delete' is not routed" });
  });

  test('a delete record without eTag or size parses', () => {
    const record = s3RecordFactory({ key: 'incoming/x.csv', eventName: 'ObjectRemoved:Delete' });
    const { eTag: _eTag, size: _size, ...object } = record.s3.object;
    const work = parseMessage(sqsRecordFactory(JSON.stringify({ Records: [{ ...record, s3: { ...record.s3, object } }] })));
    expect(work.objects[0]?.source).toMatchObject({ key: 'incoming/x.csv', size: 0, eTag: undefined });
  });
});
