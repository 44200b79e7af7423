import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import type { LastFailure } from '../../src/middleware/recordLastFailures.js';
import { lastFailureKey } from '../../src/storage/resultKeys.js';
import { RESULTS_BUCKET, UPLOAD_BUCKET, batchContext, s3NotificationBody, s3RecordFactory, sqsEvent, sqsRecordFactory } from '../helpers/events.js';
import { s3Error } from '../helpers/fakeS3.js';
import { createTestWorker } from '../helpers/worker.js';

const setup = () => {
  const worker = createTestWorker();
  const message = (key: string, content: string, receiveCount: number) => {
    const stored = worker.s3.put(UPLOAD_BUCKET, key, content, 'v1');
    const record = s3RecordFactory({ key, size: content.length, versionId: stored.versionId });
    return sqsRecordFactory(s3NotificationBody(record), { messageId: `${key}#${receiveCount}`, receiveCount });
  };
  const invoke = (event: SQSEvent): Promise<SQSBatchResponse> => worker.handler(event, batchContext());
  const recorded = (key: string): LastFailure | undefined => {
    const body = worker.s3.read(RESULTS_BUCKET, lastFailureKey({ bucket: UPLOAD_BUCKET, key }));
    return body === undefined ? undefined : (JSON.parse(body) as LastFailure);
  };
  return { worker, message, invoke, recorded };
};

describe('recordLastFailures: the reason stays with a message that goes to the DLQ', () => {
  test('on the last receive (maxReceives = 5), the failing object gets its reason recorded', async () => {
    const { message, invoke, recorded } = setup();
    const response = await invoke(sqsEvent(message('incoming/text/flaky.txt', 'flaky', 5), message('incoming/text/good.txt', 'good', 5)));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'incoming/text/flaky.txt#5' }]);
    expect(recorded('incoming/text/flaky.txt')).toMatchObject({
      source: { key: 'incoming/text/flaky.txt', versionId: 'v1' },
      messageId: 'incoming/text/flaky.txt#5',
      receiveCount: 5,
      reason: 'downstream: throttled',
    });
    expect(recorded('incoming/text/good.txt')).toBeUndefined();
  });

  test('earlier receives record nothing: the message is retried', async () => {
    const { message, invoke, recorded } = setup();
    await invoke(sqsEvent(message('incoming/text/flaky.txt', 'flaky', 4)));
    expect(recorded('incoming/text/flaky.txt')).toBeUndefined();
  });

  test('an unsafe key is recorded by hash, like its manifest', () => {
    expect(lastFailureKey({ bucket: UPLOAD_BUCKET, key: 'incoming/text/flaky.txt' })).toBe('failures/incoming/text/flaky.txt.json');
    expect(lastFailureKey({ bucket: UPLOAD_BUCKET, key: 'incoming/../x.txt' })).toMatch(/^failures\/_unmapped\/[0-9a-f]{64}\.json$/);
  });

  test('a failed record is only logged: the response still reports the message', async () => {
    const { worker, message, invoke, recorded } = setup();
    worker.s3.fail((command) => command instanceof PutObjectCommand && String(command.input.Key).startsWith('failures/'), s3Error('SlowDown', 503));
    const response = await invoke(sqsEvent(message('incoming/text/flaky.txt', 'flaky', 5)));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'incoming/text/flaky.txt#5' }]);
    expect(recorded('incoming/text/flaky.txt')).toBeUndefined();
  });
});
