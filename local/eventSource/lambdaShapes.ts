/**
 * What Lambda's SQS event source hands to a function and how it reads the answer, rebuilt for
 * the local event source: the SQSEvent, and the `ReportBatchItemFailures` rules.
 */
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';

export interface QueueIdentity {
  readonly queueArn: string;
  readonly region: string;
}

const messageAttributes = (attributes: Record<string, MessageAttributeValue> = {}): SQSMessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        // Lambda sends binary values base64-encoded and always includes both (empty) list fields.
        stringValue: value.StringValue,
        binaryValue: value.BinaryValue === undefined ? undefined : Buffer.from(value.BinaryValue).toString('base64'),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
        dataType: value.DataType ?? 'String',
      },
    ]),
  );

/** One record exactly as Lambda builds it from a received message. */
export const toRecord = (message: Message, queue: QueueIdentity): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
  messageAttributes: messageAttributes(message.MessageAttributes),
  ...(message.MD5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queue.queueArn,
  awsRegion: queue.region,
});

export const toEvent = (messages: readonly Message[], queue: QueueIdentity): SQSEvent => ({
  Records: messages.map((message) => toRecord(message, queue)),
});

/**
 * The message ids that stay on the queue, per Lambda's rules for `ReportBatchItemFailures`:
 * no response or no/empty `batchItemFailures` = all succeeded; an empty, missing or unknown
 * `itemIdentifier`, or a response that is not an object, fails the whole batch.
 * @example failedMessageIds(event, { batchItemFailures: [{ itemIdentifier: 'a' }] }) // Set {'a'}
 */
export const failedMessageIds = (event: SQSEvent, response: unknown): ReadonlySet<string> => {
  const all = new Set(event.Records.map((record) => record.messageId));
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return all;
  const failures = (response as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
};
