/**
 * The Lambda entry point as the runtime loads it, from the environment `workerEnvironment` builds,
 * with tracing off and on (the Tracer loads on the first invocation). That it loads without
 * top-level await, which `sls invoke local` cannot require, is tests/infra/invokeLocal.test.ts's.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, expect, test, vi } from 'vitest';
import { workerEnvironment } from '../../infra/workerEnvironment.js';
import { loadStageSettings } from '../../src/config/settings.js';
import { TEST_EVENT_BODY, sqsEvent, sqsRecordFactory } from '../helpers/events.js';

const context = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'r', functionName: 'f' } as unknown as Context;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

test.each(['off', 'on'])('with TRACING=%s the worker acknowledges the s3:TestEvent', async (tracing) => {
  const environment = workerEnvironment(loadStageSettings('dev', {}), { uploads: 'uploads', results: 'results' });
  // SILENT: test output shows tests, not the worker's log lines.
  for (const [name, value] of Object.entries({ ...environment, TRACING: tracing, POWERTOOLS_LOG_LEVEL: 'SILENT' })) vi.stubEnv(name, String(value));
  const { handler } = await import('../../src/handlers/worker.js');
  const event: SQSEvent = sqsEvent(sqsRecordFactory(TEST_EVENT_BODY, { messageId: 'test-event' }));
  await expect(handler(event, context as never)).resolves.toEqual({ batchItemFailures: [] });
});
