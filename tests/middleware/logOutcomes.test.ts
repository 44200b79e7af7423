import { describe, expect, test, vi } from 'vitest';
import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import {
  RESULTS_BUCKET,
  UPLOAD_BUCKET,
  batchContext,
  reprocessAttributes,
  s3NotificationBody,
  s3RecordFactory,
  sqsEvent,
  sqsRecordFactory,
} from '../helpers/events.js';
import { s3Error } from '../helpers/fakeS3.js';
import { createTestWorker, upperCaseProcessor } from '../helpers/worker.js';

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

  test('an outcome with a warning logs it, even when INFO is off', async () => {
    const { handler, logger, s3, deps } = createTestWorker({ loadProcessor: async () => ({ ...upperCaseProcessor, version: '2.0.0' }) });
    s3.put(UPLOAD_BUCKET, 'incoming/text/a.txt', 'x', 'v1');
    const body = s3NotificationBody(s3RecordFactory({ key: 'incoming/text/a.txt', versionId: 'v1' }));
    await handler(sqsEvent(sqsRecordFactory(body)), batchContext());
    // The reprocess wants to tag nothing (same outputs); make it tag by pointing the old manifest at another output.
    const key = 'manifests/incoming/text/a.txt.json';
    const stored = JSON.parse(s3.read(RESULTS_BUCKET, key) ?? '{}');
    s3.put(RESULTS_BUCKET, key, JSON.stringify({ ...stored, outputs: [{ ...stored.outputs[0], key: 'processed/incoming/text/a.txt/v1/old.txt' }] }));
    s3.fail((command) => command instanceof PutObjectTaggingCommand, s3Error('AccessDenied', 403));
    const warn = vi.spyOn(logger, 'warn');
    await handler(sqsEvent(sqsRecordFactory(body, { messageAttributes: reprocessAttributes() })), batchContext());
    expect(deps.logger.getLevelName()).toBe('SILENT');
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('superseded outputs left untagged (1 of 1)'),
      expect.objectContaining({ key: 'incoming/text/a.txt', outcome: 'processed' }),
    );
  });
});
