/**
 * globalSetup of the `integration` project: starts LocalStack unless it already answers (and
 * stops it afterwards only then), deploys stage `local` once, and provides the stack outputs.
 * WORKER_TIMEOUT_SECONDS defaults to 1 here, so the queue's visibility timeout is 6 × 1 + window
 * = 7 s and a poison message reaches the DLQ after maxReceiveCount receives in about half a minute.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { RECORDED_CALLS } from '../../helpers/awsCallRecorder.js';
import { runSls } from '../../helpers/sls.js';
import { isLocalStackHealthy } from '../../../src/local/localStack.js';
import { localStackEnv, stackOutputs, type StackOutputs } from '../../../src/local/stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackOutputs;
  }
}

const run = (command: string, args: readonly string[]) =>
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: process.env, timeout: 600_000 });

export default async function setup(project: TestProject): Promise<() => void> {
  // This run's worker calls only: tests/iam simulates what the code does today.
  rmSync(RECORDED_CALLS, { force: true });
  Object.assign(process.env, { ...localStackEnv(), WORKER_TIMEOUT_SECONDS: process.env.WORKER_TIMEOUT_SECONDS ?? '1' });
  const startedHere = !(await isLocalStackHealthy());
  if (startedHere) run('bash', ['scripts/localstack/start.sh']);
  // Through runSls: its lock keeps this deploy and other sls runs of the tree out of each other's .serverless/.
  const deploy = await runSls(['deploy', '--stage', 'local'], {}, { timeoutMs: 300_000 });
  if (deploy.exitCode !== 0) throw new Error(`sls deploy --stage local exited with ${deploy.exitCode}:\n${deploy.output}`);
  project.provide('stack', await stackOutputs(new CloudFormationClient({}), 'file-processor-local'));
  return () => {
    if (startedHere) run('bash', ['scripts/localstack/stop.sh']);
  };
}
