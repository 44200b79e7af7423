/** Builders for SQS events carrying S3 notifications, shaped like the real ones (see events/), and the context they run in. */
import type { Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { BatchContext, Delivery } from '../../src/batch/types.js';
import { REPROCESS_ATTRIBUTE } from '../../src/types.js';

export const UPLOAD_BUCKET = 'file-processor-test-uploads-000000000000';
export const RESULTS_BUCKET = 'file-processor-test-results-000000000000';

let sequence = 0;

export interface S3RecordOptions {
  readonly key: string;
  readonly bucket?: string;
  readonly eventName?: string;
  readonly size?: number;
  readonly versionId?: string;
  readonly eTag?: string;
  readonly sequencer?: string;
}

/** S3 form-URL-encodes keys in notifications: spaces become `+`. */
export const encodeS3Key = (key: string): string => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

export const s3RecordFactory = (options: S3RecordOptions) => {
  sequence += 1;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-29T09:00:00.000Z',
    eventName: options.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:EXAMPLE' },
    requestParameters: { sourceIPAddress: '2001:db8::1' },
    responseElements: { 'x-amz-request-id': 'REQ', 'x-amz-id-2': 'HOST' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'route',
      bucket: { name: options.bucket ?? UPLOAD_BUCKET, ownerIdentity: { principalId: 'OWNER' }, arn: `arn:aws:s3:::${options.bucket ?? UPLOAD_BUCKET}` },
      object: {
        key: encodeS3Key(options.key),
        size: options.size ?? 11,
        eTag: options.eTag ?? `etag${sequence}`,
        ...(options.versionId === undefined ? {} : { versionId: options.versionId }),
        sequencer: options.sequencer ?? `00${sequence.toString(16).toUpperCase().padStart(14, '0')}`,
      },
    },
  };
};

export const s3NotificationBody = (...records: ReturnType<typeof s3RecordFactory>[]): string => JSON.stringify({ Records: records });

export const TEST_EVENT_BODY = JSON.stringify({
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2026-11-29T09:00:00.000Z',
  Bucket: UPLOAD_BUCKET,
  RequestId: 'R',
  HostId: 'H',
});

/** How a plain message arrives the first time: what most tasks built by hand carry. */
export const FIRST_DELIVERY: Delivery = { reprocess: false, receiveCount: 1 };

/** The message attributes of an explicit reprocess request, as Lambda's SQS event spells them. */
export const reprocessAttributes = (value = 'true'): SQSMessageAttributes => ({
  [REPROCESS_ATTRIBUTE]: { dataType: 'String', stringValue: value, stringListValues: [], binaryListValues: [] },
});

export const sqsRecordFactory = (
  body: string,
  options: { messageId?: string; receiveCount?: number; messageAttributes?: SQSMessageAttributes } = {},
): SQSRecord => {
  sequence += 1;
  return {
    messageId: options.messageId ?? `message-${sequence}`,
    receiptHandle: `handle-${sequence}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1795942800000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1795942800001',
    },
    messageAttributes: options.messageAttributes ?? {},
    md5OfBody: 'md5',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:file-processor-test-jobs',
    awsRegion: 'us-east-1',
  };
};

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A Lambda-like context whose clock the test controls. */
const lambdaContext = (remainingMs: () => number) => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'file-processor-test-jobsWorker',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:file-processor-test-jobsWorker',
  memoryLimitInMB: '1024',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** The context as the worker chain types it; `signal` and `mayStart` are placeholders that `timeBudget` replaces. */
export const batchContext = (remainingMs: () => number = () => 60_000): BatchContext => ({
  ...lambdaContext(remainingMs),
  signal: new AbortController().signal,
  mayStart: () => true,
});

/** A Middy request, to run one middleware's hooks on their own. */
export const batchRequest = (event: SQSEvent, context: BatchContext = batchContext()): Request<SQSEvent, SQSBatchResponse, Error, BatchContext> => ({
  event,
  context,
  response: undefined,
  error: undefined,
  internal: {},
});
