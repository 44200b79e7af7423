import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import type { BatchContext } from '../../src/batch/types.js';
import { parseS3Notifications } from '../../src/middleware/parseS3Notifications.js';
import { partialBatchResponse } from '../../src/middleware/partialBatchResponse.js';
import { batchContext, s3NotificationBody, s3RecordFactory, sqsEvent, sqsRecordFactory } from '../helpers/events.js';

const messages = ['done', 'unfinished'].map((messageId) =>
  sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: `incoming/${messageId}.txt` })), { messageId }),
);

describe('partialBatchResponse', () => {
  test('on an unexpected error, finished messages stay acknowledged and the rest are reported', async () => {
    const handler = middy<SQSEvent, SQSBatchResponse, Error, BatchContext>()
      .use(partialBatchResponse())
      .use(parseS3Notifications())
      .handler(async (_event, context) => {
        const first = context.messages?.[0];
        if (first?.kind === 'objects') context.outcomes = new Map(first.objects.map(({ source }) => [source, { outcome: { status: 'processed', bytes: 1 } }]));
        throw new Error('bug in the middle of the batch');
      });
    expect(await handler(sqsEvent(...messages), batchContext())).toEqual({ batchItemFailures: [{ itemIdentifier: 'unfinished' }] });
  });

  test('when the chain fails before parsing, every message is reported', async () => {
    const handler = middy<SQSEvent, SQSBatchResponse, Error, BatchContext>()
      .use(partialBatchResponse())
      .before(() => {
        throw new Error('failed before parsing');
      })
      .handler(async () => ({ batchItemFailures: [] }));
    expect(await handler(sqsEvent(...messages), batchContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'done' }, { itemIdentifier: 'unfinished' }],
    });
  });
});
