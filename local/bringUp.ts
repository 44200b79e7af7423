/**
 * The one way the `local` stage comes up, for `npm start`, `npm run demo` and the integration
 * tests' globalSetup: LocalStack (started only if it does not answer yet, and then stopped again
 * by `stop`), a deploy of serverless.ts into it, and the stack's outputs.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** Ended by `run` when its signal aborts: the command did not finish. */
export class StoppedError extends Error {
  constructor(what: string) {
    super(`${what}: stopped`);
    this.name = 'StoppedError';
  }
}

const killGroup = (pid: number | undefined, signal: NodeJS.Signals | 0): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
};

/** Waits for every process of the group to be gone (npx, sls, esbuild…), killing what remains after `graceMs`. */
const groupEnded = async (pid: number | undefined, graceMs = 3_000): Promise<void> => {
  for (const end = Date.now() + graceMs; Date.now() < end; await sleep(100)) if (!killGroup(pid, 0)) return;
  killGroup(pid, 'SIGKILL');
};

/**
 * Runs a command; `quiet` keeps its output back unless it fails. Rejects with its exit code.
 * In its own process group: Ctrl-C in the terminal reaches only us, and we decide; `signal`
 * ends the command and whatever it started (StoppedError); if this process exits first, the
 * group is killed.
 */
export const run = (command: string, args: readonly string[], quiet = false, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const what = `${command} ${args.join(' ')}`;
    if (signal?.aborted) return reject(new StoppedError(what));
    const child = spawn(command, args, { stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'], env: process.env, detached: true });
    const killOnExit = () => killGroup(child.pid, 'SIGKILL');
    const stop = () => killGroup(child.pid, 'SIGTERM');
    process.on('exit', killOnExit);
    signal?.addEventListener('abort', stop, { once: true });
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('exit', (code, exitSignal) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) {
        // What it started may outlive it and hold its output open: end the whole group first.
        child.stdout?.destroy();
        child.stderr?.destroy();
        void groupEnded(child.pid).then(() => {
          process.off('exit', killOnExit);
          reject(new StoppedError(what));
        });
        return;
      }
      process.off('exit', killOnExit);
      if (code === 0) return resolve();
      process.stderr.write(Buffer.concat(output));
      reject(new Error(`${what} exited with ${code ?? exitSignal}`));
    });
  });

const lifecycle = (script: 'start' | 'stop', signal?: AbortSignal) => run('bash', [path.join(LIFECYCLE_SCRIPTS, `${script}.sh`)], false, signal);

export interface BringUpOptions {
  readonly say: (line: string) => void;
  /** Deploys stage `local`; by default `npx sls deploy --stage local`, its output shown only if it fails. */
  readonly deploy?: (signal?: AbortSignal) => Promise<void>;
  /** Ends the bring-up (StoppedError), stopping the LocalStack it started. */
  readonly signal?: AbortSignal;
}

export interface LocalStage {
  readonly outputs: StackOutputs;
  /**
   * Stops LocalStack if `bringUpLocalStage` started it. Until then, a process that exits (a
   * second Ctrl-C, a crash) stops it on its way out, synchronously and without waiting long.
   */
  readonly stop: () => Promise<void>;
}

/** @example const stage = await bringUpLocalStage({ say: console.log }); …; await stage.stop() */
export const bringUpLocalStage = async ({
  say,
  deploy = (signal) => run('npx', ['sls', 'deploy', '--stage', 'local'], true, signal),
  signal,
}: BringUpOptions): Promise<LocalStage> => {
  for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
  const startedHere = !(await isLocalStackHealthy());
  const stopNow = () => spawnSync('bash', [path.join(LIFECYCLE_SCRIPTS, 'stop.sh'), '--now'], { stdio: 'ignore' });
  let running = startedHere;
  if (running) process.on('exit', stopNow);
  const stop = async () => {
    if (!running) return;
    running = false;
    // Kept until stop.sh is done: exiting meanwhile (a second Ctrl-C) still stops LocalStack.
    await lifecycle('stop').finally(() => process.off('exit', stopNow));
  };
  try {
    if (startedHere) {
      say('starting LocalStack (the first time installs it into .localstack/, about a minute)…');
      await lifecycle('start', signal);
    } else {
      say(`LocalStack already running at ${LOCALSTACK_ENDPOINT}`);
    }
    if (signal?.aborted) throw new StoppedError('bringing up stage local');
    say('deploying serverless.ts to stage local (buckets, queue, DLQ, notification)…');
    await deploy(signal);
    if (signal?.aborted) throw new StoppedError('bringing up stage local');
    return { outputs: await stackOutputs(new CloudFormationClient({}), stackNameFor('local')), stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
};
