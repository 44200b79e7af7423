/**
 * Turns each SQS message body into S3 object work items, one message at a time:
 * a message that cannot be read is marked unusable (it goes to the DLQ intact),
 * never the whole batch. The `s3:TestEvent` and event types that are not routed
 * (deletes, for instance) are acknowledged.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BatchContext, MessageWork, ObjectWork } from '../batch/types.js';
import { UnusableMessageError, messageOf } from '../errors.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** S3 form-URL-encodes keys: `+` is a space, then percent-decoding. */
export const decodeS3Key = (encoded: string): string => {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new UnusableMessageError(`s3.object.key: must be URL-encoded, '${encoded}' given`);
  }
};

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const parseRecord = (record: unknown, index: number): ObjectWork => {
  const s3 = isObject(record) ? record.s3 : undefined;
  const bucket = isObject(s3) && isObject(s3.bucket) ? s3.bucket : undefined;
  const object = isObject(s3) && isObject(s3.object) ? s3.object : undefined;
  if (!isObject(record) || record.eventSource !== 'aws:s3' || typeof bucket?.name !== 'string' || typeof object?.key !== 'string') {
    throw new UnusableMessageError(`Records[${index}]: must be an S3 event record with s3.bucket.name and s3.object.key`);
  }
  return {
    eventName: typeof record.eventName === 'string' ? record.eventName : '',
    source: {
      bucket: bucket.name,
      key: decodeS3Key(object.key),
      versionId: optionalString(object.versionId),
      eTag: optionalString(object.eTag),
      size: typeof object.size === 'number' ? object.size : 0,
      sequencer: typeof object.sequencer === 'string' ? object.sequencer : '',
    },
  };
};

const skipUnrouted = (object: ObjectWork): ObjectWork =>
  object.eventName.startsWith('ObjectCreated:') ? object : { ...object, outcome: { status: 'skipped', reason: `event '${object.eventName}' is not routed` } };

/** One message → its work item; throws `UnusableMessageError` for anything unreadable. */
const parseBody = (body: string): Pick<MessageWork, 'objects' | 'note'> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new UnusableMessageError('body: must be JSON, not JSON given');
  }
  if (isObject(parsed) && parsed.Event === 's3:TestEvent') return { objects: [], note: 's3:TestEvent acknowledged' };
  if (!isObject(parsed) || !Array.isArray(parsed.Records)) {
    throw new UnusableMessageError('body: must be an S3 event notification with Records, other JSON given');
  }
  const objects = parsed.Records.map(parseRecord).map(skipUnrouted);
  return objects.length === 0 ? { objects, note: 'notification without records acknowledged' } : { objects };
};

export const parseMessage = (message: SQSRecord): MessageWork => {
  const receiveCount = Number(message.attributes?.ApproximateReceiveCount) || 1;
  try {
    return { message, receiveCount, ...parseBody(message.body) };
  } catch (error: unknown) {
    return { message, receiveCount, objects: [], unusable: messageOf(error) };
  }
};

export const parseS3Notifications = (): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const parseS3NotificationsBefore = (request: Request<SQSEvent, SQSBatchResponse, Error, BatchContext>): void => {
    request.context.batch = (request.event.Records ?? []).map(parseMessage);
  };
  return { before: parseS3NotificationsBefore };
};
