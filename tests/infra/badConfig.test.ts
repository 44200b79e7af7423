/**
 * Bad configuration stops `sls package` before anything is built, with a message that names
 * the setting and the value (the validation runs when `serverless.ts` is loaded).
 */
import { describe, expect, test } from 'vitest';
import { runSls } from '../helpers/sls.js';

describe('sls package with a bad configuration', () => {
  test.each([
    {
      name: 'batch size > 10 without a batching window',
      stage: 'dev',
      env: { BATCH_SIZE: '50', BATCHING_WINDOW_SECONDS: '0' },
      message: "BATCH_SIZE: a batch size above 10 needs BATCHING_WINDOW_SECONDS ≥ 1, '50' given",
    },
    { name: 'prod without ALARM_EMAIL', stage: 'prod', env: { ALARM_EMAIL: '' }, message: "ALARM_EMAIL: required for stage 'prod', not set" },
    { name: 'a bad integer', stage: 'dev', env: { MAX_RECEIVES: 'five' }, message: "MAX_RECEIVES: must be a whole number, 'five' given" },
    { name: 'an unknown stage', stage: 'staging', env: {}, message: "--stage: must be one of dev, prod, local, 'staging' given" },
  ])('$name: non-zero exit and a message naming the setting and value', async ({ stage, env, message }) => {
    const run = await runSls(['package', '--stage', stage, '--package', '/nonexistent/never-written'], env);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain(message);
    // One line that says what is wrong, not a stack trace.
    expect(run.output).not.toMatch(/\n\s+at /);
  });
});
