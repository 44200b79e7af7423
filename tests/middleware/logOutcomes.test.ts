import { describe, expect, test, vi } from 'vitest';
import { batchContext, sqsEvent, sqsRecordFactory } from '../helpers/events.js';
import { createTestWorker } from '../helpers/worker.js';

describe('logOutcomes', () => {
  test.each([
    { receiveCount: 4, lastReceiveLogs: 0 },
    { receiveCount: 5, lastReceiveLogs: 1 },
    { receiveCount: 6, lastReceiveLogs: 1 },
  ])('a failing message on receive $receiveCount of 5 → $lastReceiveLogs last-receive error log(s)', async ({ receiveCount, lastReceiveLogs }) => {
    const { handler, logger } = createTestWorker();
    const error = vi.spyOn(logger, 'error');
    await handler(sqsEvent(sqsRecordFactory('not json', { messageId: 'poison', receiveCount })), batchContext());
    const calls = error.mock.calls.filter(([message]) => String(message).startsWith('last receive failed'));
    expect(calls).toHaveLength(lastReceiveLogs);
    if (lastReceiveLogs > 0)
      expect(calls[0]?.[1]).toMatchObject({ messageId: 'poison', receiveCount, reason: 'body: must be JSON, not JSON given', body: 'not json' });
  });

  test('publishes one EMF counter per outcome', async () => {
    const { handler, metrics } = createTestWorker();
    const added = vi.spyOn(metrics, 'addMetric');
    await handler(sqsEvent(sqsRecordFactory('not json')), batchContext());
    expect(Object.fromEntries(added.mock.calls.map(([name, , value]) => [name, value]))).toEqual({
      processed: 0,
      rejected: 0,
      retried: 0,
      skipped: 0,
      duplicate: 0,
      unusable: 1,
      bytesWritten: 0,
    });
  });
});
