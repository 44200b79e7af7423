/** Reading what the pipeline produced, and the notifications LocalStack delivered. */
import type { Message } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { StackOutputs } from '../../../local/stack.js';
import type { Manifest } from '../../../src/storage/manifestStore.js';
import { manifestKey } from '../../../src/storage/resultKeys.js';
import { getBytes, receiveAll } from './aws.js';

export const readManifest = async (stack: StackOutputs, inputKey: string): Promise<Manifest | undefined> => {
  const bytes = await getBytes(stack.ResultsBucketName, manifestKey(inputKey));
  return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as Manifest);
};

export const sha256Base64 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

/** The rows of a gzipped NDJSON output. */
export const ndjsonRows = (gzipped: Uint8Array): unknown[] =>
  gunzipSync(gzipped)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

export interface S3NotificationRecord {
  readonly eventName: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly versionId?: string; readonly eTag?: string; readonly sequencer: string };
  };
}

export const recordsOf = (body: string): S3NotificationRecord[] => {
  const parsed = JSON.parse(body) as { Records?: S3NotificationRecord[] };
  return parsed.Records ?? [];
};

/** The S3 notification keys in a body, still URL-encoded as S3 sends them. */
export const encodedKeysOf = (body: string): string[] => recordsOf(body).map((record) => record.s3.object.key);

/**
 * Takes `count` messages off the queue (deleting them) and returns them, so a test can replay
 * the very bodies LocalStack delivered, in the order it chooses.
 */
export const takeNotifications = async (queueUrl: string, count: number): Promise<Message[]> => {
  const taken: Message[] = [];
  const end = Date.now() + 30_000;
  while (taken.length < count && Date.now() < end) {
    taken.push(...(await receiveAll(queueUrl, { waitSeconds: 2, enough: (all) => taken.length + all.length >= count })));
  }
  if (taken.length < count) throw new Error(`queue: expected ${count} notifications, ${taken.length} arrived within 30 s`);
  return taken;
};
