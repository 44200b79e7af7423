/**
 * Clients and small waits for tests and benchmarks that run against the deployed `local` stack.
 * No vitest imports here, so bench/e2e uses the same code.
 */
import { GetObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { loadDotEnv, loadStageSettings } from '../../../src/config/settings.js';
import { localStackEnv } from '../../../local/stack.js';

for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
// One EMF line per batch on stdout is noise here; the outcomes are asserted instead.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const s3 = new S3Client({});
export const sqs = new SQSClient({});
// `.env` as serverless.ts reads it when the setup deploys: tests expect what was deployed.
loadDotEnv();
export const settings = loadStageSettings('local', process.env);

/** A prefix no earlier run used, so tests never see each other's manifests. */
export const runId = (): string => `${new Date().toISOString().slice(11, 19).replace(/:/g, '')}-${randomBytes(3).toString('hex')}`;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Polls `check` every `everyMs` until it holds; throws naming `what` after `timeoutMs`. */
export const until = async (what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> => {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(everyMs)) {
    if (await check()) return;
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms`);
};

/** Visible + in flight (+ delayed) messages. */
export const depth = async (queueUrl: string): Promise<number> => {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }));
  return names.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
};

export const purge = async (...queueUrls: readonly string[]): Promise<void> => {
  for (const queueUrl of queueUrls) await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
};

/** Receives (and deletes when `remove`) until `enough` holds or a receive comes back empty. */
export interface ReceiveOptions {
  readonly remove?: boolean;
  readonly waitSeconds?: number;
  readonly enough?: (received: readonly Message[]) => boolean;
}

export const receiveAll = async (queueUrl: string, { remove = true, waitSeconds = 1, enough = () => false }: ReceiveOptions = {}): Promise<Message[]> => {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        VisibilityTimeout: remove ? 30 : 0,
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
    if (remove) {
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }),
      );
    }
    if (enough(all)) return all;
  }
};

export const put = (bucket: string, key: string, body: Uint8Array | string, contentType?: string) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));

/** The object's bytes, or `undefined` when it does not exist. */
export const getBytes = async (bucket: string, key: string): Promise<Buffer | undefined> => {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await response.Body?.transformToByteArray()) ?? []);
  } catch (error: unknown) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/** Every key under `prefix`. */
export const listKeys = async (bucket: string, prefix: string): Promise<string[]> => {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key])));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys;
};

/** How many versions each key under `prefix` has (the buckets are versioned): one per PUT. */
export const versionCounts = async (bucket: string, prefix: string): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    for (const version of page.Versions ?? []) counts.set(version.Key ?? '', (counts.get(version.Key ?? '') ?? 0) + 1);
    if (page.IsTruncated !== true) return counts;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
};
