/**
 * The Serverless commands the README documents for stage `local`, run as a user runs them
 * (`npx sls …`, tests/helpers/sls.ts) against the LocalStack the setup started and the stack it
 * deployed. The child gets no AWS_ENDPOINT_URL, credentials or region from this process: the
 * configuration has to supply them (serverless.ts, local/plugin/localStage.ts).
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, test } from 'vitest';
import { sampleObjectsOf } from '../../local/uploadSamples.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { manifestKey } from '../../src/storage/resultKeys.js';
import { PROJECT_ROOT, runSls } from '../helpers/sls.js';
import { WITHOUT_AWS_ENV, printedResponse } from '../helpers/slsOutput.js';
import { depth, receiveAll, runId, s3, sqs } from './helpers/aws.js';
import { readManifest, recordsOf, type S3NotificationRecord } from './helpers/results.js';

const stack = inject('stack');

const EVENT_FILE = 'events/batch.json';
/** The one message of events/batch.json that is not an S3 notification at all. */
const NOT_JSON_MESSAGE_ID = '7d9e1f3a-5b7c-4d9e-a1b3-c5d7e9f1a3b5';
const ORDERS = 'incoming/orders/2026/orders sample+1.csv';
const PHOTO = 'incoming/images/2026/photo.jpg';
const NORTH = 'incoming/orders/2026/north.csv';
const NOT_AN_IMAGE = 'incoming/images/2026/not-really-an-image.png';
const DELETED = 'incoming/orders/2026/old.csv';

const keyOf = (record: S3NotificationRecord): string => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));

const sls = (...args: string[]) => runSls(args, WITHOUT_AWS_ENV, { timeoutMs: 90_000 });
/** `npx tsx local/uploadSamples.ts …` as the README has it, in the same stripped environment. */
const uploadSamples = (eventFile: string) =>
  promisify(execFile)('npx', ['tsx', 'local/uploadSamples.ts', eventFile], {
    cwd: PROJECT_ROOT,
    env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !(key in WITHOUT_AWS_ENV))),
    timeout: 60_000,
  });

/** Takes messages off the queue (deleting them) until `done` holds or `timeoutMs` passed; returns their bodies. */
const take = async (queueUrl: string, done: (bodies: readonly string[]) => boolean, timeoutMs = 15_000): Promise<string[]> => {
  const bodies: string[] = [];
  for (const end = Date.now() + timeoutMs; !done(bodies) && Date.now() < end; ) {
    const messages = await receiveAll(queueUrl, { waitSeconds: 1, enough: (all) => done([...bodies, ...all.map((message) => message.Body ?? '')]) });
    bodies.push(...messages.map((message) => message.Body ?? ''));
  }
  return bodies;
};

describe('README commands on stage local, without AWS_ENDPOINT_URL or credentials exported', () => {
  test(`npx sls invoke local -f jobsWorker --stage local --path ${EVENT_FILE}: processes the uploaded objects, prints the batch response`, async () => {
    // Arrange as the README says: upload the objects the events name.
    const objects = await sampleObjectsOf(EVENT_FILE);
    expect(new Set(objects.map((object) => object.bucket))).toEqual(new Set([stack.UploadBucketName]));
    expect(objects.map((object) => object.key).sort()).toEqual([ORDERS, PHOTO, NORTH, NOT_AN_IMAGE].sort());
    const upload = await uploadSamples(EVENT_FILE);
    expect(upload.stdout.trim().split('\n')).toHaveLength(objects.length);
    // The uploads notify the queue, as on AWS; take those off so no later test sees them.
    const notified = (bodies: readonly string[]) => new Set(bodies.flatMap((body) => (body.startsWith('{') ? recordsOf(body) : [])).map(keyOf));
    await take(stack.QueueUrl, (bodies) => objects.every((object) => notified(bodies).has(object.key)));
    // Manifests of earlier runs would make this one report duplicates.
    for (const key of [...objects.map((object) => object.key), DELETED]) {
      await s3.send(new DeleteObjectCommand({ Bucket: stack.ResultsBucketName, Key: manifestKey(key) }));
    }
    const startedAt = new Date().toISOString();

    const run = await sls('invoke', 'local', '-f', 'jobsWorker', '--stage', 'local', '--path', EVENT_FILE);

    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).not.toMatch(/CredentialsProviderError|ENOTFOUND|AccessDenied/);
    // Only the message that is not JSON is reported: the test event and the delete are
    // acknowledged, the corrupt image is a recorded rejection, not a retry.
    expect(printedResponse(run.output)).toEqual({ batchItemFailures: [{ itemIdentifier: NOT_JSON_MESSAGE_ID }] });
    const manifests = new Map<string, Manifest | undefined>();
    for (const key of [ORDERS, PHOTO, NORTH, NOT_AN_IMAGE, DELETED]) manifests.set(key, await readManifest(stack, key));
    for (const object of objects) {
      const manifest = manifests.get(object.key);
      expect(manifest?.source, object.key).toMatchObject({ bucket: stack.UploadBucketName, key: object.key, eTag: object.eTag });
      expect((manifest?.timings.startedAt ?? '') >= startedAt, object.key).toBe(true);
    }
    expect(manifests.get(ORDERS)).toMatchObject({ status: 'processed', counts: { rowsIn: 11, rowsRejected: 1 } });
    expect(manifests.get(NORTH)).toMatchObject({ status: 'processed', counts: { rowsIn: 11, rowsRejected: 1 } });
    expect((manifests.get(ORDERS)?.outputs ?? []).map((output) => output.key.split('/').at(-1)).sort()).toEqual(['rejects.ndjson.gz', 'rows.ndjson.gz']);
    expect(manifests.get(PHOTO)).toMatchObject({ status: 'processed', counts: { images: 1, thumbnails: 2 } });
    expect(manifests.get(NOT_AN_IMAGE)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^image content: /) });
    expect(manifests.get(DELETED)).toBeUndefined();

    // Run again: the same response, and every object is a duplicate: no manifest is rewritten.
    const again = await sls('invoke', 'local', '-f', 'jobsWorker', '--stage', 'local', '--path', EVENT_FILE);
    expect(again.exitCode, again.output).toBe(0);
    expect(printedResponse(again.output)).toEqual({ batchItemFailures: [{ itemIdentifier: NOT_JSON_MESSAGE_ID }] });
    for (const object of objects) expect((await readManifest(stack, object.key))?.timings, object.key).toEqual(manifests.get(object.key)?.timings);
  });

  test('npx sls jobs:send --stage local --body …: the message is on the deployed queue', async () => {
    const body = `sls jobs:send ${runId()}`;
    const run = await sls('jobs:send', '--stage', 'local', '--body', body);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain('Message sent to SQS');
    expect(await take(stack.QueueUrl, (bodies) => bodies.includes(body))).toContain(body);
  });

  test('npx sls jobs:failed / jobs:failed:retry / jobs:failed:purge --stage local: list, move back to the queue, empty the DLQ', async () => {
    const body = `sls jobs:failed ${runId()}`;
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.DeadLetterQueueUrl, MessageBody: body }));

    const listed = await sls('jobs:failed', '--stage', 'local');
    expect(listed.exitCode, listed.output).toBe(0);
    expect(listed.output).toContain(body);

    const retried = await sls('jobs:failed:retry', '--stage', 'local');
    expect(retried.exitCode, retried.output).toBe(0);
    expect(await take(stack.QueueUrl, (bodies) => bodies.includes(body))).toContain(body);

    await sqs.send(new SendMessageCommand({ QueueUrl: stack.DeadLetterQueueUrl, MessageBody: body }));
    const purged = await sls('jobs:failed:purge', '--stage', 'local');
    expect(purged.exitCode, purged.output).toBe(0);
    expect(await depth(stack.DeadLetterQueueUrl)).toBe(0);
  });

  test('npx sls info --stage local: the stack outputs, and no function (the worker runs on the host, under sls offline)', async () => {
    const run = await sls('info', '--stage', 'local');
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(`uploads: ${stack.UploadBucketName}`);
    expect(run.output).toContain(`jobs: ${stack.QueueUrl}`);
    expect(run.output).not.toMatch(/^functions:/m);
    expect(run.output).not.toContain('file-processor-local-jobsWorker');
    expect(run.output).toMatch(/^local worker:\n\s+jobsWorker: not deployed here, runs on the host under sls offline \(npm run worker:local\)$/m);
  });
});
