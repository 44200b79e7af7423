import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadWorkerConfig } from '../../src/config/runtime.js';
import { loadDotEnv, loadStageSettings, visibilityTimeoutSeconds } from '../../src/config/settings.js';
import { workerEnvironment } from '../../infra/workerEnvironment.js';
import { deployedMismatch } from '../../local/workerLoop.js';

const NAMES = ['WORKER_TIMEOUT_SECONDS', 'MAX_OBJECT_BYTES'] as const;
const saved = NAMES.map((name) => [name, process.env[name]] as const);

afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the local loop reads .env like serverless.ts', () => {
  test('a .env of 600 s and 2 GiB reaches both the settings and the environment declared for the worker', async () => {
    for (const name of NAMES) delete process.env[name];
    const dir = await mkdtemp(path.join(tmpdir(), 'dotenv-'));
    try {
      await writeFile(path.join(dir, '.env'), 'WORKER_TIMEOUT_SECONDS=600\nMAX_OBJECT_BYTES=2147483648\n');
      loadDotEnv(path.join(dir, '.env'));
      const settings = loadStageSettings('local', process.env);
      expect(settings.workerTimeoutSeconds).toBe(600);
      expect(loadWorkerConfig(workerEnvironment(settings, { uploads: 'up', results: 'res' })).maxObjectBytes).toBe(2 * 1024 ** 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('values already in the environment win over .env', async () => {
    process.env.WORKER_TIMEOUT_SECONDS = '45';
    const dir = await mkdtemp(path.join(tmpdir(), 'dotenv-'));
    try {
      await writeFile(path.join(dir, '.env'), 'WORKER_TIMEOUT_SECONDS=600\n');
      loadDotEnv(path.join(dir, '.env'));
      expect(process.env.WORKER_TIMEOUT_SECONDS).toBe('45');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('no .env is fine', () => {
    expect(() => loadDotEnv(path.join(tmpdir(), 'no-such-dir', '.env'))).not.toThrow();
  });
});

describe('deployedMismatch: a stack deployed with other settings is refused', () => {
  const settings = loadStageSettings('local', {});
  const deployed = {
    queueArn: 'arn',
    visibilityTimeoutSeconds: visibilityTimeoutSeconds(settings),
    maxReceiveCount: settings.maxReceives,
    deadLetterTargetArn: 'dlq',
  };

  test('the same settings pass', () => {
    expect(deployedMismatch(settings, deployed)).toBeUndefined();
  });

  test.each([
    { name: 'visibility timeout', queue: { ...deployed, visibilityTimeoutSeconds: 3601 } },
    { name: 'receive count', queue: { ...deployed, maxReceiveCount: 9 } },
  ])('a different $name says what to run', ({ queue }) => {
    expect(deployedMismatch(settings, queue)).toMatch(/^the local stack was deployed with other settings .*run 'npm run deploy:local' again$/);
  });
});
