/**
 * serverless-offline 13, as the local loop uses it (local/offlineLambda.ts), on a one-function
 * fixture whose timeout is 1 s: a timed-out invocation fails, and the next one runs in a fresh
 * execution environment, as on Lambda. The second test pins the serverless-offline bug that makes
 * the replacement necessary; when it fails, the installed version has fixed it (#1896).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSEvent } from 'aws-lambda';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { OfflineLambda, invokeThroughLambdaApi, isOfflineTimeout } from '../../local/offlineLambda.js';
import { freePort } from '../helpers/freePort.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/offline');
const FUNCTION = 'offline-fixture-dev-sleeper';

const sleeping = (ms: number) => ({ ms }) as unknown as SQSEvent;
const started: OfflineLambda[] = [];

const start = async () => {
  const gone: string[] = [];
  const offline = await OfflineLambda.start(
    {
      stage: 'dev',
      region: 'us-east-1',
      port: await freePort(),
      nodeOptions: '',
      output: { file: '/dev/null' },
      serviceDir: FIXTURE,
      onGone: (reason) => gone.push(reason),
    },
    FUNCTION,
  );
  started.push(offline);
  return { offline, gone };
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((offline) => offline.stop()));
});

test('after a timeout, the next invocation runs in a fresh environment', async () => {
  const { offline, gone } = await start();
  expect(await offline.invoke(sleeping(10))).toEqual({ invocations: 1 });
  expect(await offline.invoke(sleeping(10))).toEqual({ invocations: 2 });
  const timedOut = await offline.invoke(sleeping(1500)).catch((error: unknown) => error);
  expect(isOfflineTimeout(timedOut)).toBe(true);
  expect(await offline.invoke(sleeping(10))).toEqual({ invocations: 1 });
  expect(gone).toEqual([]);
  await offline.stop();
  await expect(fetch(offline.endpoint)).rejects.toThrow();
});

test('serverless-offline 13 alone: after a timeout, every invocation of that environment times out', async () => {
  const { offline } = await start();
  const lambda = new LambdaClient({
    endpoint: offline.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const raw = invokeThroughLambdaApi(lambda, FUNCTION);
  expect(await raw(sleeping(10))).toEqual({ invocations: 1 });
  expect(isOfflineTimeout(await raw(sleeping(1500)).catch((error: unknown) => error))).toBe(true);
  expect(isOfflineTimeout(await raw(sleeping(10)).catch((error: unknown) => error))).toBe(true);
});
