/**
 * Parses each SQS message body into the S3 objects it announces, one message at a time:
 * a message that cannot be read is unusable (it goes to the DLQ intact), never the whole
 * batch. The `s3:TestEvent` and notifications without records are acknowledged. The body is
 * untrusted input: nothing here throws, whatever it holds (tests/middleware fuzz it).
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BatchContext, Delivery, ParsedMessage, ParsedObject } from '../batch/types.js';
import { UnusableMessageError, messageOf } from '../errors.js';
import { REPROCESS_ATTRIBUTE } from '../types.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** S3 form-URL-encodes keys: `+` is a space, then percent-decoding. */
export const decodeS3Key = (encoded: string): string => {
  // Most keys need neither step: return them as they are (decodeURIComponent only throws on a '%').
  if (!encoded.includes('%')) return encoded.includes('+') ? encoded.replaceAll('+', ' ') : encoded;
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new UnusableMessageError(`s3.object.key: must be URL-encoded, '${encoded}' given`);
  }
};

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const parseRecord = (record: unknown, index: number, delivery: Delivery): ParsedObject => {
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
    delivery,
  };
};

/** One message body → its objects; throws `UnusableMessageError` for anything unreadable. */
const parseBody = (record: SQSRecord, delivery: Delivery): ParsedMessage => {
  const { body } = record;
  const { receiveCount } = delivery;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new UnusableMessageError('body: must be JSON, not JSON given');
  }
  if (isObject(parsed) && parsed.Event === 's3:TestEvent') return { record, receiveCount, kind: 'acknowledged', note: 's3:TestEvent acknowledged' };
  if (!isObject(parsed) || !Array.isArray(parsed.Records)) {
    throw new UnusableMessageError('body: must be an S3 event notification with Records, other JSON given');
  }
  const records: unknown[] = parsed.Records;
  if (records.length === 0) return { record, receiveCount, kind: 'acknowledged', note: 'notification without records acknowledged' };
  const objects: ParsedObject[] = [];
  for (let index = 0; index < records.length; index++) objects.push(parseRecord(records[index], index, delivery));
  return { record, receiveCount, kind: 'objects', objects };
};

/** @example parseMessage(sqsRecord).kind // 'objects' | 'acknowledged' | 'unusable' */
export const parseMessage = (record: SQSRecord): ParsedMessage => {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount) || 1;
  // Lambda's SQS event spells message attributes `stringValue`; anything but 'true' is a plain delivery.
  const reprocess = record.messageAttributes?.[REPROCESS_ATTRIBUTE]?.stringValue === 'true';
  try {
    return parseBody(record, { reprocess, receiveCount });
  } catch (error: unknown) {
    return { record, receiveCount, kind: 'unusable', reason: messageOf(error) };
  }
};

export const parseS3Notifications = (): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const parseS3NotificationsBefore = (request: Request<SQSEvent, SQSBatchResponse, Error, BatchContext>): void => {
    request.context.messages = (request.event.Records ?? []).map(parseMessage);
  };
  return { before: parseS3NotificationsBefore };
};
