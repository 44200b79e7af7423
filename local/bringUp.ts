/**
 * The one way the `local` stage comes up, for `npm start`, `npm run demo` and the integration
 * tests' globalSetup: LocalStack (started only if it does not answer yet, and then stopped again
 * by `stop`), a deploy of serverless.ts into it, and the stack's outputs.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { stackNameFor } from '../infra/service.js';
import { LOCALSTACK_ENDPOINT, localStackEnv, stackOutputs, type StackOutputs } from './stack.js';

const LIFECYCLE_SCRIPTS = path.join(import.meta.dirname, 'localstack');

export const isLocalStackHealthy = async (): Promise<boolean> => {
  try {
    return (await fetch(`${LOCALSTACK_ENDPOINT}/_localstack/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
};

/** Runs a command; `quiet` keeps its output back unless it fails. Rejects with its exit code. */
export const run = (command: string, args: readonly string[], quiet = false): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'], env: process.env });
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      process.stderr.write(Buffer.concat(output));
      reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`));
    });
  });

const lifecycle = (script: 'start' | 'stop') => run('bash', [path.join(LIFECYCLE_SCRIPTS, `${script}.sh`)]);

export interface BringUpOptions {
  readonly say: (line: string) => void;
  /** Deploys stage `local`; by default `npx sls deploy --stage local`, its output shown only if it fails. */
  readonly deploy?: () => Promise<void>;
}

export interface LocalStage {
  readonly outputs: StackOutputs;
  /** Stops LocalStack if `bringUpLocalStage` started it. */
  readonly stop: () => Promise<void>;
}

/** @example const stage = await bringUpLocalStage({ say: console.log }); …; await stage.stop() */
export const bringUpLocalStage = async ({
  say,
  deploy = () => run('npx', ['sls', 'deploy', '--stage', 'local'], true),
}: BringUpOptions): Promise<LocalStage> => {
  for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
  const startedHere = !(await isLocalStackHealthy());
  if (startedHere) {
    say('starting LocalStack (the first time installs it into .localstack/, about a minute)…');
    await lifecycle('start');
  } else {
    say(`LocalStack already running at ${LOCALSTACK_ENDPOINT}`);
  }
  const stop = async () => {
    if (startedHere) await lifecycle('stop');
  };
  try {
    say('deploying serverless.ts to stage local (buckets, queue, DLQ, notification)…');
    await deploy();
    return { outputs: await stackOutputs(new CloudFormationClient({}), stackNameFor('local')), stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
};
