/**
 * Lambda's SQS event source, run on the host against LocalStack: `maxConcurrency` pollers, each
 * gathering up to `batchSize` messages within the batching window, invoking the function with a
 * Lambda-shaped event, then deleting only what succeeded. Failed messages are left alone: they
 * reappear after the queue's visibility timeout and the queue's own redrive policy moves them to
 * the DLQ after maxReceiveCount receives — as in AWS, nothing here counts retries.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { failedMessageIds, toEvent, type QueueIdentity } from './lambdaShapes.js';

/**
 * Invokes the function with one batch: resolves with its response, rejects when the invocation
 * failed (the function threw or timed out). The local loop invokes through serverless-offline's
 * Lambda API (local/offlineLambda.ts); tests that inject a handler use inProcess.ts.
 */
export type InvokeFunction = (event: SQSEvent) => Promise<unknown>;

export interface EventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queue: QueueIdentity;
  readonly invoke: InvokeFunction;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly maxConcurrency: number;
  /** Stops polling; batches already received are still processed and settled, as on Lambda. */
  readonly signal: AbortSignal;
  /** Long-poll wait per receive (Lambda uses 20 s); shorter makes stopping quicker. */
  readonly pollWaitSeconds?: number;
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

export interface BatchOutcome {
  /** The records the function was invoked with (bodies, attributes, receive counts). */
  readonly records: readonly SQSRecord[];
  readonly messageIds: readonly string[];
  readonly failedIds: readonly string[];
  readonly error?: unknown;
}

/** SQS returns at most 10 messages per receive and long-polls at most 20 s. */
const MAX_PER_RECEIVE = 10;
const MAX_WAIT_SECONDS = 20;

/**
 * Long-polls for the first message, then, as Lambda does, keeps receiving until the batch is
 * full or the batching window (counted from the first message) has passed.
 */
export const receiveBatch = async (options: EventSourceOptions): Promise<Message[]> => {
  const { sqs, queueUrl, batchSize, batchingWindowSeconds, signal, pollWaitSeconds = MAX_WAIT_SECONDS } = options;
  const messages: Message[] = [];
  let windowEnds = Number.POSITIVE_INFINITY;
  while (messages.length < batchSize && !signal.aborted) {
    const windowLeftMs = windowEnds - Date.now();
    if (messages.length > 0 && windowLeftMs <= 0) break;
    const waitSeconds = messages.length === 0 ? pollWaitSeconds : Math.ceil(windowLeftMs / 1000);
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(MAX_PER_RECEIVE, batchSize - messages.length),
        WaitTimeSeconds: Math.min(MAX_WAIT_SECONDS, waitSeconds),
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      // Not aborted on stop: SQS would still hand messages to the abandoned long poll, and they
      // would come back only after the visibility timeout with one receive counted for nothing.
    );
    const batch = received.Messages ?? [];
    if (messages.length === 0 && batch.length > 0) windowEnds = Date.now() + batchingWindowSeconds * 1000;
    messages.push(...batch);
  }
  return messages;
};

/** Invokes the function; a failed invocation (thrown, timed out) fails every message. */
export const invokeBatch = async (options: EventSourceOptions, event: SQSEvent): Promise<BatchOutcome> => {
  const records = event.Records;
  const messageIds = records.map((record) => record.messageId);
  try {
    return { records, messageIds, failedIds: [...failedMessageIds(event, await options.invoke(event))] };
  } catch (error: unknown) {
    return { records, messageIds, failedIds: messageIds, error };
  }
};

/** Deletes the succeeded messages, ten per DeleteMessageBatch (the SQS limit). */
const deleteSucceeded = async (options: EventSourceOptions, messages: readonly Message[], failed: ReadonlySet<string>) => {
  const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
  for (let start = 0; start < done.length; start += MAX_PER_RECEIVE) {
    const entries = done.slice(start, start + MAX_PER_RECEIVE).map((message, index) => ({
      Id: String(index),
      ReceiptHandle: message.ReceiptHandle,
    }));
    const { Failed = [] } = await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }));
    if (Failed.length > 0) throw new Error(`local event source: DeleteMessageBatch failed for ${Failed.map((f) => `${f.Id}: ${f.Message}`).join('; ')}`);
  }
};

/** One poller: receive → invoke → delete, until the signal aborts. */
const poll = async (options: EventSourceOptions): Promise<void> => {
  while (!options.signal.aborted) {
    const messages = await receiveBatch(options);
    if (messages.length === 0) continue;
    const outcome = await invokeBatch(options, toEvent(messages, options.queue));
    await deleteSucceeded(options, messages, new Set(outcome.failedIds));
    options.onBatch?.(outcome);
  }
};

/**
 * Starts `maxConcurrency` pollers (Lambda's ScalingConfig.MaximumConcurrency: at most that many
 * batches in flight) and resolves when `signal` aborts and the batches in flight are finished.
 * @example await startEventSource({ ...options, signal: AbortSignal.timeout(60_000) })
 */
export const startEventSource = async (options: EventSourceOptions): Promise<void> => {
  await Promise.all(Array.from({ length: options.maxConcurrency }, () => poll(options)));
};
