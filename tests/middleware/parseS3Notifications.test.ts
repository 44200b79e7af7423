import { describe, expect, test } from 'vitest';
import { decodeS3Key, parseMessage } from '../../src/middleware/parseS3Notifications.js';
import { TEST_EVENT_BODY, UPLOAD_BUCKET, encodeS3Key, reprocessAttributes, s3NotificationBody, s3RecordFactory, sqsRecordFactory } from '../helpers/events.js';

describe('decodeS3Key', () => {
  test.each([
    ['incoming/a+b.csv', 'incoming/a b.csv'],
    ['incoming/a+b+c++.csv', 'incoming/a b c  .csv'],
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
    {
      name: 'a record without s3.object',
      body: '{"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"b"}}}]}',
      unusable: 'Records[0]: must be an S3 event record with s3.bucket.name and s3.object.key',
    },
    {
      name: 'a record from another service',
      body: '{"Records":[{"eventSource":"aws:sns"}]}',
      unusable: 'Records[0]: must be an S3 event record with s3.bucket.name and s3.object.key',
    },
  ])('$name is unusable with a clear reason', ({ body, unusable }) => {
    expect(parseMessage(sqsRecordFactory(body))).toMatchObject({ kind: 'unusable', reason: unusable });
  });

  test.each([
    { name: 'the s3:TestEvent', body: TEST_EVENT_BODY, note: 's3:TestEvent acknowledged' },
    { name: 'a notification without records', body: '{"Records":[]}', note: 'notification without records acknowledged' },
  ])('$name is acknowledged, not failed', ({ body, note }) => {
    expect(parseMessage(sqsRecordFactory(body))).toMatchObject({ kind: 'acknowledged', note });
  });

  test('every record of a message becomes an object, keys decoded, receive count read', () => {
    const body = s3NotificationBody(
      s3RecordFactory({ key: 'incoming/a b+c.csv', versionId: 'v1', eTag: 'e1', size: 5, sequencer: '0A' }),
      s3RecordFactory({ key: 'incoming/x.csv', eventName: 'ObjectRemoved:Delete' }),
    );
    expect(parseMessage(sqsRecordFactory(body, { receiveCount: 3 }))).toMatchObject({
      kind: 'objects',
      receiveCount: 3,
      objects: [
        { eventName: 'ObjectCreated:Put', source: { bucket: UPLOAD_BUCKET, key: 'incoming/a b+c.csv', versionId: 'v1', eTag: 'e1', size: 5, sequencer: '0A' } },
        { eventName: 'ObjectRemoved:Delete', source: { key: 'incoming/x.csv' } },
      ],
    });
  });

  test('a delete record without eTag or size parses', () => {
    const record = s3RecordFactory({ key: 'incoming/x.csv', eventName: 'ObjectRemoved:Delete' });
    const { eTag: _eTag, size: _size, ...object } = record.s3.object;
    const parsed = parseMessage(sqsRecordFactory(JSON.stringify({ Records: [{ ...record, s3: { ...record.s3, object } }] })));
    expect(parsed).toMatchObject({ kind: 'objects', objects: [{ source: { key: 'incoming/x.csv', size: 0, eTag: undefined } }] });
  });

  test.each([
    { name: "attribute 'reprocess' = 'true'", attributes: reprocessAttributes(), reprocess: true },
    { name: "attribute 'reprocess' = 'false'", attributes: reprocessAttributes('false'), reprocess: false },
    { name: 'no attributes', attributes: {}, reprocess: false },
  ])('$name → every object of the message carries reprocess: $reprocess and the receive count', ({ attributes, reprocess }) => {
    const body = s3NotificationBody(s3RecordFactory({ key: 'incoming/a.csv' }), s3RecordFactory({ key: 'incoming/b.csv' }));
    const parsed = parseMessage(sqsRecordFactory(body, { messageAttributes: attributes, receiveCount: 2 }));
    const delivery = { reprocess, receiveCount: 2 };
    expect(parsed).toMatchObject({ kind: 'objects', objects: [{ delivery }, { delivery }] });
  });
});
