/**
 * The `sls files:*` commands as a user runs them (`npx sls files:… --stage local`, nothing
 * exported: the configuration reaches LocalStack), against the stack the setup deployed and the
 * worker run in-process. Exit codes are part of the contract (scripts use them).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { notificationFor } from '../../operations/enqueue.js';
import { objectsIn } from '../../operations/queues.js';
import { loadProcessor } from '../../src/processors/registry.js';
import { manifestKey, unmappedManifestKey } from '../../src/storage/resultKeys.js';
import { PROJECT_ROOT, runSls } from '../helpers/sls.js';
import { WITHOUT_AWS_ENV } from '../helpers/slsOutput.js';
import { getBytes, purge, receiveAll, runId, s3, settings, sqs, until } from './helpers/aws.js';
import { readManifest } from './helpers/results.js';
import { flakyProcessor, routesWith, startWorker } from './helpers/worker.js';

const stack = inject('stack');
const ORDERS = await readFile(`${PROJECT_ROOT}/samples/orders.csv`);

const sls = (...args: string[]) => runSls([...args, '--stage', 'local'], WITHOUT_AWS_ENV, { timeoutMs: 120_000 });

const put = async (key: string, body: Uint8Array | string = ORDERS) => {
  const { VersionId, ETag } = await s3.send(new PutObjectCommand({ Bucket: stack.UploadBucketName, Key: key, Body: body }));
  return { bucket: stack.UploadBucketName, key, versionId: VersionId, eTag: ETag?.replaceAll('"', ''), size: Buffer.byteLength(body), sequencer: '' };
};

const visible = async (queueUrl: string): Promise<number> => {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
};

/** Deletes the notifications LocalStack sends for `keys`, as if notifications had been off. */
const dropNotifications = async (keys: readonly string[]) => {
  const pending = new Set(keys);
  await until(
    `notifications for ${keys.length} uploads dropped`,
    async () => {
      for (const message of await receiveAll(stack.QueueUrl)) for (const { key } of objectsIn(message.Body)) pending.delete(key);
      return pending.size === 0;
    },
    30_000,
  );
};

const sendToQueue = async (queueUrl: string, bodies: readonly string[], attributes?: Record<string, { DataType: string; StringValue: string }>) => {
  const batches: string[][] = [];
  for (let start = 0; start < bodies.length; start += 10) batches.push(bodies.slice(start, start + 10));
  const next = async (): Promise<void> => {
    for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) {
      const entries = batch.map((MessageBody, index) => ({ Id: String(index), MessageBody, MessageAttributes: attributes }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
  };
  await Promise.all(Array.from({ length: 10 }, next));
};

afterAll(async () => {
  await purge(stack.DeadLetterQueueUrl);
});

describe('files:status', () => {
  test('names each outcome with its exit code: processed 0, rejected 1, DLQ 1, unknown 2, pending 3', async () => {
    const run = runId();
    const processed = `incoming/orders/status-${run}/day one.csv`;
    const rejected = `incoming/status-${run}/notes.txt`;
    const unsafe = `incoming/orders/status-${run}/./odd.csv`;
    for (const key of [processed, rejected, unsafe]) await put(key);
    const worker = await startWorker({ stack });
    await worker.runUntil(
      'three manifests',
      async () =>
        (await readManifest(stack, processed)) !== undefined &&
        (await readManifest(stack, rejected)) !== undefined &&
        (await getBytes(stack.ResultsBucketName, unmappedManifestKey({ bucket: stack.UploadBucketName, key: unsafe }))) !== undefined,
      60_000,
    );

    const ok = await sls('files:status', processed);
    expect(ok.exitCode, ok.output).toBe(0);
    expect(ok.output).toContain(`✔ processed ${processed}`);
    expect(ok.output).toContain('counts: rowsIn 11, rowsOut 10, rowsRejected 1');
    expect(ok.output).toMatch(/→ processed\/incoming\/orders\/status-.*\/rows\.ndjson\.gz \(\d+ B\)/);

    const no = await sls('files:status', rejected);
    expect(no.exitCode, no.output).toBe(1);
    expect(no.output).toMatch(new RegExp(`✖ rejected ${rejected} \\(version \\S+\\): key: matches no route`));

    const odd = await sls('files:status', unsafe, '--json');
    expect(odd.exitCode, odd.output).toBe(1);
    expect(odd.output).toContain('"state":"rejected"');
    expect(odd.output).toContain("must not contain '.' or '..' segments");

    // A notification that failed for good, and one still waiting: neither has a manifest.
    const stuck = await put(`incoming/orders/status-${run}/stuck.csv`);
    const waiting = `incoming/orders/status-${run}/waiting.csv`;
    await put(waiting);
    await sendToQueue(stack.DeadLetterQueueUrl, [notificationFor(stuck, 'us-east-1', 'test')]);
    const dlqBefore = await visible(stack.DeadLetterQueueUrl);

    const inDlq = await sls('files:status', stuck.key);
    expect(inDlq.exitCode, inDlq.output).toBe(1);
    expect(inDlq.output).toContain(`✖ in the DLQ ${stuck.key} (version ${stuck.versionId})`);
    // The peek leaves the DLQ as it found it.
    expect(await visible(stack.DeadLetterQueueUrl)).toBe(dlqBefore);

    const pending = await sls('files:status', waiting);
    expect(pending.exitCode, pending.output).toBe(3);
    expect(pending.output).toContain(`… pending ${waiting}`);

    const outside = await sls('files:status', `outside-${run}/x.csv`);
    expect(outside.exitCode, outside.output).toBe(2);
    expect(outside.output).toContain('never notified');
    const missing = await sls('files:status', `incoming/orders/status-${run}/never-uploaded.csv`);
    expect(missing.exitCode, missing.output).toBe(2);
    expect(missing.output).toContain('? no object');
  });

  test('a file whose message reached the DLQ shows the error of its last receive', async () => {
    const key = `incoming/orders/status-${runId()}/always-fails.csv`;
    // Only this file's message may end in the DLQ while the worker runs.
    await purge(stack.DeadLetterQueueUrl);
    await put(key);
    const failing = flakyProcessor(await loadProcessor('csv-to-ndjson'), (failingKey) => (failingKey === key ? Number.POSITIVE_INFINITY : 0));
    const worker = await startWorker({ stack, routes: routesWith('flaky'), loadProcessor: async () => failing });
    await worker.runUntil(
      'the message in the DLQ',
      async () => (failing.attempts.get(key) ?? 0) >= settings.maxReceives && (await visible(stack.DeadLetterQueueUrl)) === 1,
      120_000,
    );

    const status = await sls('files:status', key);
    expect(status.exitCode, status.output).toBe(1);
    expect(status.output).toContain(`✖ in the DLQ ${key}`);
    expect(status.output).toMatch(
      new RegExp(`last error \\(receive ${settings.maxReceives}, [^)]+\\): flaky: attempt ${settings.maxReceives} of \\S+ fails on purpose`),
    );
  });

  test('the stage is the one given, never another: dev without credentials says so in one line', async () => {
    const dev = await runSls(['files:dlq', 'list', '--stage', 'dev'], {
      ...WITHOUT_AWS_ENV,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });
    expect(dev.exitCode).toBe(1);
    expect(dev.output).toContain("✖ no AWS credentials for stage 'dev'");
    expect(dev.output).not.toMatch(/LocalStack|\n\s+at /);
  });

  test('a bad argument is one line, not a stack trace', async () => {
    const noKey = await sls('files:status');
    expect(noKey.exitCode).toBe(1);
    expect(noKey.output).toContain('✖ files:status: name a key');
    expect(noKey.output).not.toMatch(/\n\s+at /);
  });
});

describe('files:upload', () => {
  test('uploads with progress under --to and, with --wait, prints each outcome as it lands (exit 1: one was rejected)', async () => {
    const prefix = `incoming/orders/upload-${runId()}/`;
    const worker = await startWorker({ stack });
    const upload = sls('files:upload', 'samples/orders.csv', 'samples/not-really-an-image.png', '--to', prefix, '--wait', '--timeout', '90');
    await worker.runUntil('both uploads recorded', async () => (await readManifest(stack, `${prefix}not-really-an-image.png`)) !== undefined, 120_000);
    const { exitCode, output } = await upload;
    // The PNG's name routes it nowhere under an orders prefix: it is rejected, so the exit code is 1.
    expect(exitCode, output).toBe(1);
    expect(output).toMatch(/uploading samples\/orders\.csv: \d+%/);
    expect(output).toContain(`↑ samples/orders.csv → s3://${stack.UploadBucketName}/${prefix}orders.csv (824 B)`);
    expect(output).toContain(`✔ processed ${prefix}orders.csv`);
    expect(output).toContain(`✖ rejected ${prefix}not-really-an-image.png`);
  });
});

describe('files:backfill', () => {
  test('enqueues the uploads that have no manifest, resumes after Ctrl-C, and every file ends with one manifest', async () => {
    const run = runId();
    const prefix = `incoming/orders/backfill-${run}/`;
    const done = Array.from({ length: 5 }, (_, index) => `${prefix}done-${index}.csv`);
    const missed = Array.from({ length: 25 }, (_, index) => `${prefix}missed-${String(index).padStart(2, '0')}.csv`);
    for (const key of done) await put(key);
    const first = await startWorker({ stack });
    await first.runUntil('the first five processed', async () => (await Promise.all(done.map((key) => readManifest(stack, key)))).every(Boolean), 60_000);
    for (const key of missed) await put(key);
    await dropNotifications(missed);

    const dry = await sls('files:backfill', '--prefix', prefix, '--dry-run');
    expect(dry.exitCode, dry.output).toBe(0);
    expect(dry.output).toContain('listed 30, would enqueue 25, already processed 5');
    expect(await visible(stack.QueueUrl)).toBe(0);

    // Interrupted after its first page of 5, at 10 messages a second.
    const interrupted = await interruptAfter(['files:backfill', '--prefix', prefix, '--page-size', '5', '--rate', '10'], /resume with --continue (\S+)/);
    expect(interrupted.exitCode, interrupted.output).toBe(130);
    expect(interrupted.output).toContain('stopping…');
    const token = [...interrupted.output.matchAll(/resume with --continue (\S+)/g)].at(-1)?.[1] ?? '';
    expect(interrupted.output).toMatch(/interrupted: listed \d+/);

    const resumed = await sls('files:backfill', '--prefix', prefix, '--page-size', '5', '--continue', token);
    expect(resumed.exitCode, resumed.output).toBe(0);
    expect(resumed.output).toMatch(/backfill of s3:\/\/.* done: listed \d+/);

    const worker = await startWorker({ stack });
    await worker.runUntil(
      'every backfilled file processed',
      async () => (await Promise.all(missed.map((key) => readManifest(stack, key)))).every(Boolean),
      120_000,
    );
    for (const key of missed) expect(worker.manifests.written.get(manifestKey(key)), key).toBe(1);
    for (const key of done) expect(worker.manifests.written.get(manifestKey(key)), key).toBeUndefined();
  });
});

/** Runs `npx sls …` and sends Ctrl-C (SIGINT to its process group) once `ready` matches its output. */
const interruptAfter = (args: readonly string[], ready: RegExp) =>
  new Promise<{ exitCode: number | null; output: string }>((resolve, reject) => {
    // The sls binary itself (first on PATH, as npx would put it): npx ends by the signal and hides the exit code.
    const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', PATH: `${PROJECT_ROOT}/node_modules/.bin:${process.env.PATH}` };
    for (const name of Object.keys(WITHOUT_AWS_ENV)) delete env[name];
    const child = spawn('sls', [...args, '--stage', 'local'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let sent = false;
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!sent && ready.test(output) && child.pid !== undefined) {
        sent = true;
        process.kill(-child.pid, 'SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });

describe('files:reprocess', () => {
  test('runs again what an older processor version wrote; a plain duplicate stays a duplicate', async () => {
    const run = runId();
    const key = `incoming/orders/reprocess-${run}/day.csv`;
    const source = await put(key);
    const older = await startWorker({ stack, loadProcessor: async (name) => ({ ...(await loadProcessor(name)), version: '0.9.0' }) });
    await older.runUntil('processed by 0.9.0', async () => (await readManifest(stack, key))?.processor?.version === '0.9.0', 60_000);
    const current = (await loadProcessor('csv-to-ndjson')).version;

    const dry = await sls('files:reprocess', '--processor', 'csv-to-ndjson', '--prefix', `incoming/orders/reprocess-${run}/`, '--dry-run');
    expect(dry.exitCode, dry.output).toBe(0);
    expect(dry.output).toContain('read 1 manifest(s), 1 written by an older version, 0 of them no longer current, would enqueue 1');

    // A plain duplicate of the original notification first: it must not count as a reprocess.
    await sendToQueue(stack.QueueUrl, [notificationFor(source, 'us-east-1', 'duplicate')]);
    const duplicateRun = await startWorker({ stack });
    await duplicateRun.runUntil('the duplicate delivered', async () => (await visible(stack.QueueUrl)) === 0 && duplicateRun.batches.length > 0, 30_000);
    expect((await readManifest(stack, key))?.processor?.version).toBe('0.9.0');

    const requested = await sls('files:reprocess', '--processor', 'csv-to-ndjson', '--prefix', `incoming/orders/reprocess-${run}/`);
    expect(requested.exitCode, requested.output).toBe(0);
    expect(requested.output).toContain('enqueued 1');
    const worker = await startWorker({ stack });
    await worker.runUntil(`processed again by ${current}`, async () => (await readManifest(stack, key))?.processor?.version === current, 60_000);
    expect(worker.manifests.written.get(manifestKey(key))).toBe(1);

    const again = await sls('files:reprocess', '--processor', 'csv-to-ndjson', '--prefix', `incoming/orders/reprocess-${run}/`);
    expect(again.output).toContain('0 written by an older version');
  });
});

describe('files:dlq', () => {
  const COUNT = 5_000;

  test(`lists, redrives and purges ${COUNT} messages in bounded time, leaving the DLQ as it found it`, async () => {
    const run = runId();
    await purge(stack.DeadLetterQueueUrl);
    const bodies = Array.from({ length: COUNT }, (_, index) =>
      notificationFor({ bucket: stack.UploadBucketName, key: `incoming/orders/dlq-${run}/${index}.csv`, size: 1, sequencer: '' }, 'us-east-1', 'test'),
    );
    await sendToQueue(stack.DeadLetterQueueUrl, bodies, { origin: { DataType: 'String', StringValue: run } });
    await until('all in the DLQ', async () => (await visible(stack.DeadLetterQueueUrl)) === COUNT, 30_000);

    const all = await sls('files:dlq', 'list', '--all', '--json');
    expect(all.exitCode, all.output).toBe(0);
    const listed = all.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { messageId: string; keys: string[] });
    expect(new Set(listed.map((message) => message.messageId)).size).toBe(COUNT);
    expect(listed[0]?.keys[0]).toMatch(new RegExp(`^incoming/orders/dlq-${run}/\\d+\\.csv$`));
    expect(await visible(stack.DeadLetterQueueUrl)).toBe(COUNT);

    const page = await sls('files:dlq', 'list');
    expect(page.exitCode, page.output).toBe(0);
    expect(page.output).toContain(`20 of ${COUNT} message(s) in the DLQ of stage 'local' shown, all left in place; ${COUNT - 20} more`);
    expect(page.output.split('\n').filter((line) => line.includes(`incoming/orders/dlq-${run}/`))).toHaveLength(20);

    await purge(stack.QueueUrl);
    const redrive = await sls('files:dlq', 'redrive');
    expect(redrive.exitCode, redrive.output).toBe(0);
    expect(redrive.output).toContain(`moved ${COUNT} message(s) from the DLQ back to the queue`);
    expect(await visible(stack.DeadLetterQueueUrl)).toBe(0);
    const { Messages: moved = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    expect(moved.length).toBeGreaterThan(0);
    for (const message of moved) expect(message.MessageAttributes?.origin?.StringValue).toBe(run);
    await purge(stack.QueueUrl);

    await sendToQueue(stack.DeadLetterQueueUrl, bodies.slice(0, 3));
    const unconfirmed = await sls('files:dlq', 'purge');
    expect(unconfirmed.exitCode).toBe(1);
    expect(unconfirmed.output).toContain('add --yes to purge without asking');
    expect(await visible(stack.DeadLetterQueueUrl)).toBe(3);
    const purged = await sls('files:dlq', 'purge', '--yes');
    expect(purged.exitCode, purged.output).toBe(0);
    await until('the DLQ purged', async () => (await visible(stack.DeadLetterQueueUrl)) === 0, 60_000);
  });
});
