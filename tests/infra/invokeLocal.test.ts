/**
 * The README's offline `sls invoke local` on stage dev: the s3:TestEvent needs no AWS, so it runs
 * without network, credentials or a deployed stack, and prints the worker's partial-batch response.
 * (On stage local, against LocalStack, the batch of events/batch.json is run in
 * tests/integration/slsCommands.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { runSls } from '../helpers/sls.js';
import { WITHOUT_AWS_ENV, printedResponse } from '../helpers/slsOutput.js';

describe('sls invoke local', () => {
  test('--stage dev --path events/s3-test-event.json: prints an empty batchItemFailures, offline and without credentials', async () => {
    const args = ['invoke', 'local', '-f', 'jobsWorker', '--stage', 'dev', '--path', 'events/s3-test-event.json'];
    const run = await runSls(args, WITHOUT_AWS_ENV, { timeoutMs: 30_000 });
    expect(run.output).not.toMatch(/Error:/);
    expect(run.exitCode).toBe(0);
    // An s3:TestEvent must be acknowledged, never retried into the DLQ.
    expect(printedResponse(run.output)).toEqual({ batchItemFailures: [] });
  }, 45_000);
});
