/**
 * One local worker per stage: `npm start` and `npm run worker:local` hold a lock file with their
 * pid under .localstack/ while they run. A lock whose process is gone (killed, machine restarted)
 * is stale and taken over.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_DIR = path.resolve(import.meta.dirname, '..', '.localstack');

export class WorkerAlreadyRunningError extends Error {
  constructor(
    readonly stage: string,
    readonly pid: number,
  ) {
    super(`a worker is already running on stage ${stage} (pid ${pid}); stop it (Ctrl-C in its terminal, or kill ${pid}) before starting another`);
    this.name = 'WorkerAlreadyRunningError';
  }
}

export const lockFileFor = (stage: string, dir = LOCK_DIR): string => path.join(dir, `worker-${stage}.lock`);

/** True when a process with this pid exists (EPERM: it exists, owned by someone else). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readPid = (file: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

export interface WorkerLock {
  readonly file: string;
  /** Removes the lock if it is still ours; also runs on process exit. */
  readonly release: () => void;
}

/**
 * Takes the stage's lock or throws WorkerAlreadyRunningError naming the running worker's pid.
 * @example const lock = acquireWorkerLock('local'); …; lock.release()
 */
export const acquireWorkerLock = (stage: string, dir = LOCK_DIR, pid = process.pid): WorkerLock => {
  const file = lockFileFor(stage, dir);
  mkdirSync(dir, { recursive: true });
  // Written aside, then linked into place: link() fails if the lock exists, so two starts racing
  // cannot both win, and nobody ever reads a lock without its pid.
  const draft = `${file}.${pid}`;
  writeFileSync(draft, `${pid}\n`);
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(draft, file);
        break;
      } catch (error: unknown) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readPid(file);
        if (holder !== undefined && holder !== pid && processAlive(holder)) throw new WorkerAlreadyRunningError(stage, holder);
        // Stale: its process is gone. Taken over once; losing that race again means another start won.
        if (attempt > 0) throw new Error(`${file}: could not take over a stale worker lock`);
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
  const release = () => {
    process.off('exit', release);
    if (readPid(file) === pid) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
};
