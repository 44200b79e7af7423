import type { SQSEvent } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import { failedMessageIds, toRecord } from '../../../local/eventSource/lambdaShapes.js';

const queue = { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', region: 'us-east-1' };
const event: SQSEvent = { Records: ['a', 'b', 'c'].map((id) => toRecord({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id }, queue)) };
const all = new Set(['a', 'b', 'c']);

describe('failedMessageIds follows ReportBatchItemFailures', () => {
  test.each([
    ['undefined (void handler)', undefined, new Set()],
    ['null', null, new Set()],
    ['empty object', {}, new Set()],
    ['empty list', { batchItemFailures: [] }, new Set()],
    ['null list', { batchItemFailures: null }, new Set()],
    ['one known id', { batchItemFailures: [{ itemIdentifier: 'b' }] }, new Set(['b'])],
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'zzz' }] }, all],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }, all],
    ['a missing id', { batchItemFailures: [{ id: 'a' }] }, all],
    ['a string response', 'ok', all],
    ['a list that is not an array', { batchItemFailures: 'a' }, all],
  ])('%s', (_, response, expected) => {
    expect(failedMessageIds(event, response)).toEqual(expected);
  });
});

describe('toRecord', () => {
  test('builds the record as Lambda does, binary attributes base64-encoded', () => {
    const record = toRecord(
      {
        MessageId: 'm1',
        ReceiptHandle: 'rh',
        Body: '{}',
        MD5OfBody: 'md5',
        Attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1', ApproximateFirstReceiveTimestamp: '2', SenderId: 's' },
        MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2]) }, txt: { DataType: 'String', StringValue: 'v' } },
      },
      queue,
    );
    expect(record).toEqual({
      messageId: 'm1',
      receiptHandle: 'rh',
      body: '{}',
      attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1', ApproximateFirstReceiveTimestamp: '2', SenderId: 's' },
      messageAttributes: {
        bin: { binaryValue: 'AQI=', stringValue: undefined, stringListValues: [], binaryListValues: [], dataType: 'Binary' },
        txt: { stringValue: 'v', binaryValue: undefined, stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.queueArn,
      awsRegion: 'us-east-1',
    });
  });
});
