/**
 * Records the S3 and SQS calls a client really makes (an SDK middleware), so the IAM
 * simulation (tests/iam) checks the permissions of what the worker does, not of a hand-written
 * list. Calls are appended, one distinct call per line, to `RECORDED_CALLS`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './sls.js';

export const RECORDED_CALLS = path.join(PROJECT_ROOT, '.recorded', 'worker-aws-calls.ndjson');

/** The role a bucket or queue plays in the stack; the IAM test maps it to each stage's names. */
export type Role = 'uploads' | 'results' | 'queue' | 'dlq';

export interface RecordedCall {
  readonly client: string;
  readonly command: string;
  /** A role, or `unknown:<name>` for a bucket or queue outside the stack. */
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly prefix?: string;
  readonly queue?: string;
}

interface CallInput {
  readonly Bucket?: string;
  readonly Key?: string;
  readonly VersionId?: string;
  readonly Prefix?: string;
  readonly QueueUrl?: string;
}

const written = new Set<string>();

const write = (call: RecordedCall): void => {
  const line = JSON.stringify(call);
  if (written.has(line)) return;
  written.add(line);
  mkdirSync(path.dirname(RECORDED_CALLS), { recursive: true });
  appendFileSync(RECORDED_CALLS, `${line}\n`);
};

/**
 * Adds the recording middleware to `client` and returns it. `roles` names the stack's buckets
 * (by bucket name) and queues (by URL).
 * @example const s3 = recordCalls(new S3Client({}), { [stack.UploadBucketName]: 'uploads' })
 */
export const recordCalls = <C extends S3Client | SQSClient>(client: C, roles: Readonly<Record<string, Role>>): C => {
  const roleOf = (name: string | undefined) => (name === undefined ? undefined : (roles[name] ?? `unknown:${name}`));
  (client as S3Client).middlewareStack.add(
    (next, context) => (args) => {
      const input = args.input as CallInput;
      write({
        client: context.clientName ?? 'unknown',
        command: context.commandName ?? 'unknown',
        bucket: roleOf(input.Bucket),
        key: input.Key,
        versionId: input.VersionId,
        prefix: input.Prefix,
        queue: roleOf(input.QueueUrl),
      });
      return next(args);
    },
    { step: 'initialize', name: 'recordAwsCalls' },
  );
  return client;
};
