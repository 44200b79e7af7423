/**
 * Reading queues without disturbing them. Receiving hides a message and raises its receive
 * count; a reader that lets visibility expire meets the same messages again and never ends on
 * a large queue. `peekMessages` holds what it read hidden until it is done (so each message is
 * seen once and the loop ends), then makes all of it visible again: the queue is left as found.
 */
import { forEachWithLimit } from '../src/batch/forEachWithLimit.js';
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly arn: string;
}

export const queueDepth = async (sqs: SQSClient, queueUrl: string): Promise<QueueDepth> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'] }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    arn: Attributes.QueueArn ?? '',
  };
};

export interface PeekOptions {
  /** Stop after this many distinct messages. */
  readonly limit?: number;
  /** Called once per distinct message, in the order received; return true to stop early. */
  readonly onMessage: (message: Message) => boolean | undefined | Promise<boolean | undefined>;
  /** How long read messages stay hidden while the peek runs (default 300 s). */
  readonly holdSeconds?: number;
  readonly signal?: AbortSignal;
}

/** SQS's limit per receive and per visibility batch. */
const BATCH = 10;

/** Makes every held message visible again, 10 per request, a few requests at a time. */
const release = async (sqs: SQSClient, queueUrl: string, receipts: readonly string[]): Promise<void> => {
  const batches: string[][] = [];
  for (let start = 0; start < receipts.length; start += BATCH) batches.push(receipts.slice(start, start + BATCH));
  await forEachWithLimit(batches, 8, async (batch) => {
    const entries = batch.map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  });
};

/**
 * Reads up to `limit` messages (default: all) once each and leaves them visible again.
 * @returns how many distinct messages it saw
 */
export const peekMessages = async (sqs: SQSClient, queueUrl: string, options: PeekOptions): Promise<number> => {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const { visible } = await queueDepth(sqs, queueUrl);
  const seen = new Set<string>();
  const receipts = new Map<string, string>();
  try {
    let emptyReceives = 0;
    while (seen.size < limit && !options.signal?.aborted) {
      // Long polling (1 s) asks every SQS server, so an empty answer means empty; two in a row end the peek.
      if (seen.size >= visible && emptyReceives > 0) break;
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(BATCH, Math.max(1, limit - seen.size)),
          WaitTimeSeconds: 1,
          VisibilityTimeout: options.holdSeconds ?? 300,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: options.signal },
      );
      emptyReceives = Messages.length === 0 ? emptyReceives + 1 : 0;
      if (emptyReceives >= 2) break;
      for (const message of Messages) {
        const id = message.MessageId ?? '';
        if (message.ReceiptHandle !== undefined) receipts.set(id, message.ReceiptHandle);
        if (seen.has(id) || seen.size >= limit) continue;
        seen.add(id);
        if (await options.onMessage(message)) return seen.size;
      }
    }
    return seen.size;
  } finally {
    await release(sqs, queueUrl, [...receipts.values()]);
  }
};

/** The objects an S3 notification (or a backfill/reprocess request) in `body` names, decoded. */
export const objectsIn = (body: string | undefined): { bucket: string; key: string; versionId?: string }[] => {
  try {
    const parsed = JSON.parse(body ?? '') as { Records?: { s3?: { bucket?: { name?: string }; object?: { key?: string; versionId?: string } } }[] };
    return (parsed.Records ?? []).flatMap((record) => {
      const key = record.s3?.object?.key;
      if (typeof key !== 'string') return [];
      return [{ bucket: record.s3?.bucket?.name ?? '', key: decodeURIComponent(key.replace(/\+/g, ' ')), versionId: record.s3?.object?.versionId }];
    });
  } catch {
    return [];
  }
};
