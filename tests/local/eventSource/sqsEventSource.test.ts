import type { SQSEvent } from 'aws-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, test, vi } from 'vitest';
import { toEvent } from '../../../local/eventSource/lambdaShapes.js';
import { invokeBatch, receiveBatch, startEventSource, type EventSourceOptions } from '../../../local/eventSource/sqsEventSource.js';
import { REPROCESS_ATTRIBUTE } from '../../../src/types.js';

const message = (id: string): Message => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id });

/** A fake SQS client: each receive takes the next scripted answer; deletes are recorded. */
const fakeSqs = (answers: Message[][]) => {
  const deleted: string[] = [];
  const receives: number[] = [];
  const send = vi.fn(async (command: unknown) => {
    if (command instanceof ReceiveMessageCommand) {
      receives.push(command.input.WaitTimeSeconds ?? 0);
      // An empty queue long-polls: yield to timers as SQS would, instead of spinning.
      if (answers.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      return { Messages: answers.shift() ?? [] };
    }
    if (command instanceof DeleteMessageBatchCommand) {
      deleted.push(...(command.input.Entries ?? []).map((entry) => entry.ReceiptHandle ?? ''));
      return { Failed: [] };
    }
    throw new Error('unexpected command');
  });
  return { sqs: { send } as unknown as SQSClient, deleted, receives };
};

const options = (sqs: SQSClient, overrides: Partial<EventSourceOptions> = {}): EventSourceOptions => ({
  sqs,
  queueUrl: 'http://127.0.0.1:4566/queue/us-east-1/000000000000/q',
  queue: { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', region: 'us-east-1' },
  invoke: async () => ({ batchItemFailures: [] }),
  batchSize: 10,
  batchingWindowSeconds: 0,
  maxConcurrency: 2,
  signal: new AbortController().signal,
  ...overrides,
});

describe('receiveBatch', () => {
  test('without a window, returns what the first non-empty receive gave', async () => {
    const { sqs, receives } = fakeSqs([[], [message('a'), message('b')], [message('c')]]);
    expect((await receiveBatch(options(sqs))).map((m) => m.MessageId)).toEqual(['a', 'b']);
    expect(receives).toEqual([20, 20]);
  });

  test('with a window, keeps receiving until the batch is full', async () => {
    const { sqs } = fakeSqs([[message('a')], [message('b'), message('c')], [message('d')]]);
    const batch = await receiveBatch(options(sqs, { batchSize: 3, batchingWindowSeconds: 5 }));
    expect(batch.map((m) => m.MessageId)).toEqual(['a', 'b', 'c']);
  });

  test('with a window, an empty receive does not end the batch before the window does', async () => {
    const { sqs } = fakeSqs([[message('a')], [], [message('b')]]);
    const batch = await receiveBatch(options(sqs, { batchingWindowSeconds: 1 }));
    expect(batch.map((m) => m.MessageId)).toEqual(['a', 'b']);
  });

  test('with a window, returns what arrived once the window has passed', async () => {
    const { sqs } = fakeSqs([[message('a')]]);
    const started = Date.now();
    expect(await receiveBatch(options(sqs, { batchingWindowSeconds: 1 }))).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe('invokeBatch', () => {
  const event = toEvent([message('a'), message('b')], { queueArn: 'arn', region: 'us-east-1' });

  test('the response says which messages failed', async () => {
    const outcome = await invokeBatch(options(fakeSqs([]).sqs, { invoke: async () => ({ batchItemFailures: [{ itemIdentifier: 'b' }] }) }), event);
    expect(outcome).toEqual({ records: event.Records, messageIds: ['a', 'b'], failedIds: ['b'] });
  });

  test('a failed invocation (thrown, timed out) fails the whole batch', async () => {
    const outcome = await invokeBatch(options(fakeSqs([]).sqs, { invoke: async () => Promise.reject(new Error('boom')) }), event);
    expect(outcome.failedIds).toEqual(['a', 'b']);
    expect(outcome.error).toBeInstanceOf(Error);
  });
});

test('startEventSource deletes only the messages not reported as failures', async () => {
  const controller = new AbortController();
  const { sqs, deleted } = fakeSqs([[message('a'), message('b'), message('c')]]);
  const invoke = async () => {
    controller.abort();
    return { batchItemFailures: [{ itemIdentifier: 'b' }] };
  };
  await startEventSource(options(sqs, { invoke, maxConcurrency: 1, signal: controller.signal }));
  expect(deleted).toEqual(['rh-a', 'rh-c']);
});

test('startEventSource keeps at most maxConcurrency batches in flight', async () => {
  const controller = new AbortController();
  const { sqs } = fakeSqs([[message('a')], [message('b')], [message('c')], [message('d')]]);
  let inFlight = 0;
  let peak = 0;
  const invoke = async () => {
    peak = Math.max(peak, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight -= 1;
    return undefined;
  };
  setTimeout(() => controller.abort(), 150);
  await startEventSource(options(sqs, { invoke, maxConcurrency: 2, signal: controller.signal }));
  expect(peak).toBe(2);
});

test('message attributes are asked for and reach the function in Lambda’s shape (the reprocess request)', async () => {
  const controller = new AbortController();
  const { sqs } = fakeSqs([[{ ...message('a'), MessageAttributes: { [REPROCESS_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } } }]]);
  const events: SQSEvent[] = [];
  const invoke = async (event: SQSEvent) => {
    events.push(event);
    controller.abort();
    return undefined;
  };
  await startEventSource(options(sqs, { invoke, maxConcurrency: 1, signal: controller.signal }));
  const receive = vi
    .mocked(sqs.send)
    .mock.calls.map(([command]) => command)
    .find((command) => command instanceof ReceiveMessageCommand);
  expect(receive?.input.MessageAttributeNames).toEqual(['All']);
  expect(events[0]?.Records[0]?.messageAttributes).toEqual({
    [REPROCESS_ATTRIBUTE]: { dataType: 'String', stringValue: 'true', stringListValues: [], binaryListValues: [], binaryValue: undefined },
  });
});
