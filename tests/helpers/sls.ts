/**
 * Runs the real Serverless CLI (`npx sls`, so node_modules/.bin — and Node 24 — come first on PATH).
 * Runs are serialized across test files: serverless-esbuild bundles into the shared `.esbuild/`
 * folder of the project, and two concurrent runs delete each other's build.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export interface SlsRun {
  readonly exitCode: number | null;
  /** stdout and stderr interleaved, as a user would see them. */
  readonly output: string;
}

type EnvOverrides = Readonly<Record<string, string | undefined>>;

const LOCK_DIR = path.join(tmpdir(), `sls-lock-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}`);

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A directory lock owned by this process; a lock left by a dead process is taken over. */
const withLock = async <T>(work: () => Promise<T>): Promise<T> => {
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      await writeFile(path.join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(path.join(LOCK_DIR, 'pid'), 'utf8').catch(() => 'NaN'));
      if (Number.isInteger(owner) && !isAlive(owner)) await rm(LOCK_DIR, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
};

export interface SlsOptions {
  /** Kills the CLI (and its esbuild children) after this long; osls can hang after an error. */
  readonly timeoutMs?: number;
}

/** @example const { exitCode, output } = await runSls(['package', '--stage', 'dev'], { BATCH_SIZE: '50' }) */
export const runSls = (args: readonly string[], env: EnvOverrides = {}, { timeoutMs = 90_000 }: SlsOptions = {}): Promise<SlsRun> =>
  withLock(
    () =>
      new Promise<SlsRun>((resolve, reject) => {
        // Its own process group, so a timeout can end the CLI and the esbuild services it started.
        const child = spawn('npx', ['sls', ...args], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        let output = '';
        const timer = setTimeout(() => {
          output += `\n[runSls: killed after ${timeoutMs} ms]\n`;
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        }, timeoutMs);
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.on('close', (exitCode) => {
          clearTimeout(timer);
          resolve({ exitCode, output });
        });
      }),
  );
