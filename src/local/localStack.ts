/**
 * Brings the `local` stage up for a person at a terminal: LocalStack (started only if it is not
 * already answering, and then stopped again by `stop`), and a deploy of serverless.ts into it.
 */
import { spawn } from 'node:child_process';
import { LOCALSTACK_ENDPOINT, localStackEnv } from './stack.js';

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

export interface LocalStage {
  /** Stops LocalStack if `bringUpLocalStage` started it. */
  readonly stop: () => Promise<void>;
}

export const bringUpLocalStage = async (say: (line: string) => void): Promise<LocalStage> => {
  for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
  const startedHere = !(await isLocalStackHealthy());
  if (startedHere) {
    say('starting LocalStack (the first time installs it into .localstack/, about a minute)…');
    await run('bash', ['scripts/localstack/start.sh']);
  } else {
    say(`LocalStack already running at ${LOCALSTACK_ENDPOINT}`);
  }
  say('deploying serverless.ts to stage local (buckets, queue, DLQ, notification)…');
  await run('npx', ['sls', 'deploy', '--stage', 'local'], true);
  return {
    stop: async () => {
      if (startedHere) await run('bash', ['scripts/localstack/stop.sh']);
    },
  };
};
