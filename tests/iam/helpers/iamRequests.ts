/**
 * Recorded SDK calls as the IAM requests AWS authorizes for them, in one stage's names.
 * An SDK command missing from the table fails the test: map it before the worker may use it.
 */
import { readFileSync } from 'node:fs';
import type { RecordedCall } from '../../helpers/awsCallRecorder.js';
import type { StageResources } from './stagePolicies.js';

export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
  /** The call it comes from, for messages. */
  readonly because: string;
}

type Mapping = (call: RecordedCall) => string;

/** SDK command → IAM action (S3 and SQS service authorization references). */
const ACTIONS: Readonly<Record<string, Mapping>> = {
  GetObjectCommand: (call) => (call.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion'),
  HeadObjectCommand: (call) => (call.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion'),
  PutObjectCommand: () => 's3:PutObject',
  CreateMultipartUploadCommand: () => 's3:PutObject',
  UploadPartCommand: () => 's3:PutObject',
  CompleteMultipartUploadCommand: () => 's3:PutObject',
  AbortMultipartUploadCommand: () => 's3:AbortMultipartUpload',
  // Tagging a version (VersionId) is its own action, which the worker is not granted.
  PutObjectTaggingCommand: (call) => (call.versionId === undefined ? 's3:PutObjectTagging' : 's3:PutObjectVersionTagging'),
  ListObjectsV2Command: () => 's3:ListBucket',
  ListObjectVersionsCommand: () => 's3:ListBucketVersions',
  ReceiveMessageCommand: () => 'sqs:ReceiveMessage',
  DeleteMessageCommand: () => 'sqs:DeleteMessage',
  DeleteMessageBatchCommand: () => 'sqs:DeleteMessage',
  ChangeMessageVisibilityCommand: () => 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatchCommand: () => 'sqs:ChangeMessageVisibility',
  GetQueueAttributesCommand: () => 'sqs:GetQueueAttributes',
};

/** Reads that may name a missing key: S3 then checks s3:ListBucket, without any s3:prefix. */
const CAN_MISS = new Set(['GetObjectCommand', 'HeadObjectCommand']);

const bucketName = (role: string | undefined, resources: StageResources): string => {
  if (role === 'uploads') return resources.uploadsBucket;
  if (role === 'results') return resources.resultsBucket;
  throw new Error(`a call on bucket '${String(role)}', which is not one of the stack's buckets`);
};

const queueArn = (role: string | undefined, resources: StageResources): string => {
  if (role === 'queue') return resources.queueArn;
  if (role === 'dlq') return resources.dlqArn;
  throw new Error(`a call on queue '${String(role)}', which is not one of the stack's queues`);
};

const describeCall = (call: RecordedCall): string =>
  `${call.command} ${call.queue ?? `${call.bucket ?? '?'}/${call.key ?? ''}`}${call.versionId === undefined ? '' : ` (version)`}${call.prefix === undefined ? '' : ` prefix=${call.prefix}`}`;

/** The IAM requests of one call: its action, plus the implicit ListBucket of a read that can miss. */
export const iamRequestsFor = (call: RecordedCall, resources: StageResources): IamRequest[] => {
  const action = ACTIONS[call.command];
  if (action === undefined) throw new Error(`${call.client} ${call.command}: no IAM action mapped; add it to ACTIONS in tests/iam/helpers/iamRequests.ts`);
  const because = describeCall(call);
  const secure = { 'aws:SecureTransport': 'true' };
  if (call.queue !== undefined) return [{ action: action(call), resource: queueArn(call.queue, resources), context: secure, because }];
  const bucketArn = `arn:aws:s3:::${bucketName(call.bucket, resources)}`;
  if (call.key === undefined) {
    return [{ action: action(call), resource: bucketArn, context: { ...secure, ...(call.prefix === undefined ? {} : { 's3:prefix': call.prefix }) }, because }];
  }
  const requests: IamRequest[] = [{ action: action(call), resource: `${bucketArn}/${call.key}`, context: secure, because }];
  if (CAN_MISS.has(call.command))
    requests.push({ action: 's3:ListBucket', resource: bucketArn, context: secure, because: `${because}: 404 rather than 403 when missing` });
  return requests;
};

/** The calls recorded by the integration tests, or a clear error when there are none. */
export const readRecordedCalls = (file: string): RecordedCall[] => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file}: no recorded worker calls; run the integration tests first (npm test runs them before this project)`);
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RecordedCall);
};

/** One request per distinct (action, resource, context). */
export const distinct = (requests: readonly IamRequest[]): IamRequest[] => [
  ...new Map(requests.map((request) => [JSON.stringify([request.action, request.resource, request.context]), request])).values(),
];
