/**
 * globalSetup of the `integration` project: brings the `local` stage up as `npm start` does
 * (local/bringUp.ts: LocalStack unless it already answers, stopped afterwards only then; a deploy
 * of stage `local`) and provides the stack outputs. WORKER_TIMEOUT_SECONDS defaults to 1 here, so
 * the queue's visibility timeout is 6 × 1 + window = 7 s and a poison message reaches the DLQ
 * after maxReceiveCount receives in about half a minute.
 */
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { bringUpLocalStage } from '../../local/bringUp.js';
import { localStackEnv, type StackOutputs } from '../../local/stack.js';
import { RECORDED_CALLS } from '../helpers/awsCallRecorder.js';
import { runSls } from '../helpers/sls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackOutputs;
  }
}

/** Through runSls: its lock keeps this deploy and other sls runs of the tree out of each other's .esbuild/. */
const deploy = async () => {
  const run = await runSls(['deploy', '--stage', 'local'], {}, { timeoutMs: 300_000 });
  if (run.exitCode !== 0) throw new Error(`sls deploy --stage local exited with ${run.exitCode}:\n${run.output}`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // This run's worker calls only: tests/iam simulates what the code does today.
  rmSync(RECORDED_CALLS, { force: true });
  // LocalStack's endpoint and test credentials whatever the shell has: tests never reach AWS.
  Object.assign(process.env, localStackEnv());
  process.env.WORKER_TIMEOUT_SECONDS ??= '1';
  const stage = await bringUpLocalStage({ say: (line) => console.log(`[integration setup] ${line}`), deploy });
  project.provide('stack', stage.outputs);
  return stage.stop;
}
