import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { WorkerAlreadyRunningError, acquireWorkerLock, lockFileFor } from '../../local/workerLock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'worker-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (and been reaped): a stale lock's holder. */
const deadPid = (): number => {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  return pid ?? 999_999;
};

describe('acquireWorkerLock: one worker per stage', () => {
  test('the first takes the lock with its pid and releases it', () => {
    const lock = acquireWorkerLock('local', dir);
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  test('a second one on the same stage is refused with the running pid', () => {
    // The parent of this test process is alive for sure.
    writeFileSync(lockFileFor('local', dir), `${process.ppid}\n`);
    expect(() => acquireWorkerLock('local', dir)).toThrow(WorkerAlreadyRunningError);
    expect(() => acquireWorkerLock('local', dir)).toThrow(`a worker is already running on stage local (pid ${process.ppid})`);
  });

  test('another stage has its own lock', () => {
    writeFileSync(lockFileFor('local', dir), `${process.ppid}\n`);
    expect(() => acquireWorkerLock('dev', dir).release()).not.toThrow();
  });

  test.each([
    { name: 'a dead process', content: () => `${deadPid()}\n` },
    { name: 'no pid', content: () => 'garbage' },
  ])('a stale lock ($name) is taken over', ({ content }) => {
    writeFileSync(lockFileFor('local', dir), content());
    const lock = acquireWorkerLock('local', dir);
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  test('release leaves a lock that another process took over', () => {
    const lock = acquireWorkerLock('local', dir);
    writeFileSync(lock.file, `${process.ppid}\n`);
    lock.release();
    expect(readFileSync(lock.file, 'utf8').trim()).toBe(String(process.ppid));
  });
});
