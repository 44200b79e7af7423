/**
 * `sls invoke local` on the checked-in sample events prints the worker's partial-batch response.
 * Runs offline, with no AWS credentials.
 */
import { describe, expect, test } from 'vitest';
import { runSls } from '../helpers/sls.js';

/** The handler's response: `invoke local` prints it last, as indented JSON from a `{` line to a `}` line. */
const printedResponse = (output: string): unknown => {
  const lines = output.split('\n');
  const start = lines.lastIndexOf('{');
  const end = lines.indexOf('}', start);
  if (start === -1 || end === -1) throw new Error(`no response printed:\n${output}`);
  return JSON.parse(lines.slice(start, end + 1).join('\n'));
};

describe('sls invoke local', () => {
  test('events/s3-test-event.json: prints a batchItemFailures response', async () => {
    const args = ['invoke', 'local', '-f', 'jobsWorker', '--stage', 'dev', '--path', 'events/s3-test-event.json'];
    const run = await runSls(args, {}, { timeoutMs: 30_000 });
    expect(run.output).not.toMatch(/Error:/);
    expect(run.exitCode).toBe(0);
    // An s3:TestEvent must be acknowledged, never retried into the DLQ.
    expect(printedResponse(run.output)).toEqual({ batchItemFailures: [] });
  }, 45_000);
});
