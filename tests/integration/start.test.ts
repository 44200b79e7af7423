/**
 * `npm start` as a person runs it: in a copy of this project with a LocalStack port of its own
 * (so the command starts LocalStack itself, and must stop it), its own process group, signalled
 * like a terminal's Ctrl-C signals the foreground group (npm, tsx and our process all get it).
 * Also: the local event source hands SQS message attributes to the function on a real queue.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEventSource } from '../../local/eventSource/sqsEventSource.js';
import { SAME_PRESS_MS } from '../../local/interrupts.js';
import { REPROCESS_ATTRIBUTE } from '../../src/types.js';
import { freePort } from '../helpers/freePort.js';
import { runId, sqs } from './helpers/aws.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Not needed to deploy and run the stage; node_modules and LocalStack's venv are linked instead. */
const NOT_COPIED = new Set([
  'node_modules',
  '.git',
  '.localstack',
  '.serverless',
  '.esbuild',
  '.lint',
  '.recorded',
  'bench',
  'coverage',
  'demo-output',
  'tests',
]);
const READY_MS = 300_000;
/** start.sh uses a Docker engine when one answers, with one fixed container name: a copy would replace the suite's LocalStack. */
const dockerEngine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;

/**
 * A running `npm start`: package.json's start script with node_modules/.bin first on PATH, as npm
 * runs it, but without npm and sh: both re-raise the SIGINT on themselves once the script exits,
 * which hides its exit code (the terminal shows none anyway).
 */
class StartRun {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    const script = (JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const PATH = `${path.join(cwd, 'node_modules', '.bin')}${path.delimiter}${env.PATH ?? ''}`;
    const [command = 'npm', ...args] = script.split(' ');
    this.#child = spawn(command, args, { cwd, env: { ...env, PATH }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.#child.once('close', (code, signal) => resolve(code ?? (signal === null ? null : 128 + (osConstants.signals[signal] ?? 0)))),
    );
  }

  /** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
  interrupt(): void {
    process.kill(-(this.#child.pid ?? 0), 'SIGINT');
  }

  kill(): void {
    try {
      process.kill(-(this.#child.pid ?? 0), 'SIGKILL');
    } catch {
      // gone
    }
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) {
      const match = this.stdout.match(pattern);
      if (match !== null) return match;
      if (this.#child.exitCode !== null) break;
    }
    throw new Error(`npm start: no ${pattern} within ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
  }
}

/** Alive and not a zombie waiting to be reaped. */
const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

const answers = async (port: number): Promise<boolean> => {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
};

const eventually = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) => {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) if (await check()) return;
  throw new Error(`${what}: not within ${timeoutMs} ms`);
};

describe.skipIf(dockerEngine)('npm start, in a copy with a LocalStack of its own', () => {
  let copy: string;
  let env: NodeJS.ProcessEnv;
  let localStackPort: number;
  let offlinePort: number;
  const runs: StartRun[] = [];
  const start = () => {
    const run = new StartRun(copy, env);
    runs.push(run);
    return run;
  };
  const localStackPid = () => Number(readFileSync(path.join(copy, '.localstack', 'localstack.pid'), 'utf8'));

  beforeAll(async () => {
    copy = mkdtempSync(path.join(tmpdir(), 'npm-start-'));
    for (const entry of readdirSync(ROOT)) if (!NOT_COPIED.has(entry)) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    mkdirSync(path.join(copy, '.localstack'));
    if (existsSync(path.join(ROOT, '.localstack', 'venv'))) symlinkSync(path.join(ROOT, '.localstack', 'venv'), path.join(copy, '.localstack', 'venv'));
    [localStackPort, offlinePort] = [await freePort(), await freePort()];
    // Not the suite's LocalStack endpoint nor its 1 s worker timeout: what a person's shell has.
    const { AWS_ENDPOINT_URL: _endpoint, WORKER_TIMEOUT_SECONDS: _timeout, ...inherited } = process.env;
    env = { ...inherited, LOCALSTACK_PORT: String(localStackPort), OFFLINE_LAMBDA_PORT: String(offlinePort) };
  });

  afterAll(() => {
    for (const run of runs) run.kill();
    if (copy === undefined) return;
    spawnSync('bash', [path.join(copy, 'local', 'localstack', 'stop.sh')], { env, stdio: 'ignore' });
    rmSync(copy, { recursive: true, force: true });
  });

  test('shows each file, refuses a second start, and one Ctrl-C (two SIGINTs 30 ms apart) stops it and its LocalStack', {
    timeout: READY_MS + 120_000,
  }, async () => {
    const first = start();
    const [, bucket] = await first.waitFor(/upload to s3:\/\/(\S+)\/incoming\/….*Ctrl-C stops\./, READY_MS);
    const localStack = localStackPid();
    expect(first.stdout).toContain('starting LocalStack');
    expect(running(localStack)).toBe(true);

    const second = start();
    expect(await second.exited).toBe(1);
    const lockHolder = readFileSync(path.join(copy, '.localstack', 'worker-local.lock'), 'utf8').trim();
    expect(second.stderr).toContain(`a worker is already running on stage local (pid ${lockHolder})`);
    expect(second.stdout).not.toContain('deploying');

    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${localStackPort}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const key = `incoming/orders/start-${runId()}.csv`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(path.join(ROOT, 'samples', 'orders.csv')) }));
    await first.waitFor(new RegExp(`✔ ${key}: processed \\(rowsIn \\d+`), 120_000);
    // Readable lines, not the worker's JSON logs (those go to .localstack/worker.log).
    expect(first.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);

    first.interrupt();
    await sleep(30);
    first.interrupt();
    // With its output, so that a failure shows what it printed.
    expect({ code: await first.exited, stdout: first.stdout, stderr: first.stderr }).toMatchObject({ code: 0 });
    expect(first.stdout.match(/stopping…/g)).toHaveLength(1);
    expect(first.stdout).not.toContain('exiting now');
    expect(first.stdout.trimEnd().endsWith('stopped')).toBe(true);
    expect(running(localStack)).toBe(false);
    expect(await answers(localStackPort)).toBe(false);
    expect(await answers(offlinePort)).toBe(false);
    expect(existsSync(path.join(copy, '.localstack', 'worker-local.lock'))).toBe(false);
  });

  test('a second Ctrl-C exits at once, and still stops the LocalStack it started', { timeout: 180_000 }, async () => {
    const run = start();
    await run.waitFor(/deploying serverless\.ts/, 120_000);
    const localStack = localStackPid();
    run.interrupt();
    await run.waitFor(/stopping…/, 10_000);
    await sleep(SAME_PRESS_MS + 200);
    const pressed = Date.now();
    run.interrupt();
    expect({ code: await run.exited, stdout: run.stdout, stderr: run.stderr }).toMatchObject({ code: 130 });
    expect(Date.now() - pressed).toBeLessThan(5_000);
    expect(run.stdout).toContain('exiting now');
    await eventually('LocalStack stopped', () => !running(localStack), 5_000);
    expect(await answers(localStackPort)).toBe(false);
  });
});

describe('the local event source on LocalStack', () => {
  test("hands message attributes to the function in Lambda's shape (the reprocess request)", async () => {
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `start-attributes-${runId()}` }));
    try {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: '{}',
          MessageAttributes: {
            [REPROCESS_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' },
            trace: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
          },
        }),
      );
      const events: SQSEvent[] = [];
      const controller = new AbortController();
      await startEventSource({
        sqs,
        queueUrl: QueueUrl,
        queue: { queueArn: Attributes.QueueArn ?? '', region: 'us-east-1' },
        invoke: async (event) => {
          events.push(event);
          controller.abort();
          return undefined;
        },
        batchSize: 1,
        batchingWindowSeconds: 0,
        maxConcurrency: 1,
        pollWaitSeconds: 1,
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(30_000)]),
      });
      expect(events[0]?.Records[0]?.messageAttributes).toEqual({
        [REPROCESS_ATTRIBUTE]: { dataType: 'String', stringValue: 'true', stringListValues: [], binaryListValues: [] },
        trace: { dataType: 'Binary', binaryValue: 'AQID', stringListValues: [], binaryListValues: [] },
      });
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    }
  });
});
