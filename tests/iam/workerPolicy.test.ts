/**
 * LocalStack enforces no IAM, so this is where the permissions are proven: every S3/SQS call the
 * worker made in the integration tests (recorded by an SDK middleware), plus the implicit
 * ListBucket of each read that can miss, is simulated with @cloud-copilot/iam-simulate against
 * the packaged dev and prod templates (worker role, bucket policies, queue policies). What must
 * never be possible is simulated too, and a grant no recorded call uses is reported.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { INBOX } from '../../src/config/routes.js';
import { loadStageSettings } from '../../src/config/settings.js';
import { RECORDED_CALLS, type RecordedCall } from '../helpers/awsCallRecorder.js';
import { packageStage } from '../helpers/template.js';
import { type IamRequest, distinct, iamRequestsFor, readRecordedCalls } from './helpers/iamRequests.js';
import { type Caller, type Grant, decide, grantsOf, isUsed, workerCaller } from './helpers/simulate.js';
import { ACCOUNT_ID, OTHER_ACCOUNT_ID, type StagePolicies, stagePolicies } from './helpers/stagePolicies.js';

const STAGES = ['dev', 'prod'] as const;
const stageEnv = { dev: { ALARM_EMAIL: '' }, prod: { ALARM_EMAIL: 'ops@example.com' } } as const;

/** Grants no SDK call of ours can show, each with the reason it stays. */
const NOT_RECORDED: readonly { readonly action: string; readonly reason: string }[] = [
  { action: 'logs:CreateLogStream', reason: 'the Lambda runtime writes the function logs, not our code' },
  { action: 'logs:CreateLogGroup', reason: 'the Lambda runtime writes the function logs, not our code' },
  { action: 'logs:TagResource', reason: 'osls tags the log group it creates for the function' },
  { action: 'logs:PutLogEvents', reason: 'the Lambda runtime writes the function logs, not our code' },
  { action: 's3:AbortMultipartUpload', reason: 'lib-storage aborts a multipart upload that failed half-way; no integration test breaks S3 mid-upload' },
  {
    action: 'xray:PutTraceSegments',
    reason: "osls's grant for active tracing (TRACING=on): Lambda's X-Ray daemon sends the segments the Tracer writes to it over UDP",
  },
  { action: 'xray:PutTelemetryRecords', reason: "osls's grant for active tracing (TRACING=on): the X-Ray daemon's own telemetry, not an SDK call of ours" },
];

const stages = new Map<string, StagePolicies>();
let calls: RecordedCall[] = [];

beforeAll(async () => {
  calls = readRecordedCalls(RECORDED_CALLS);
  for (const stage of STAGES) {
    const { template } = await packageStage(stage, stageEnv[stage]);
    const { region } = loadStageSettings(stage, { ...process.env, ...stageEnv[stage] });
    stages.set(stage, stagePolicies(template, { accountId: ACCOUNT_ID, region, stackName: `file-processor-${stage}` }));
  }
});

const get = (stage: string): StagePolicies => {
  const found = stages.get(stage);
  if (found === undefined) throw new Error(`stage ${stage} was not packaged`);
  return found;
};

const recordedRequests = (stage: StagePolicies): IamRequest[] => distinct(calls.flatMap((call) => iamRequestsFor(call, stage.resources)));

/** Each request that `caller` is not allowed, as one readable line. */
const refused = async (stage: StagePolicies, caller: Caller, requests: readonly IamRequest[]): Promise<string[]> => {
  const lines: string[] = [];
  for (const request of requests) {
    const decision = await decide(stage, caller, request);
    if (decision !== 'Allowed') lines.push(`${decision}: ${request.action} on ${request.resource} (${request.because})`);
  }
  return lines;
};

test('the integration tests recorded the worker reading uploads, reading and writing manifests, and consuming the queue', () => {
  const seen = new Set(calls.map((call) => `${call.command} ${call.bucket ?? call.queue}`));
  for (const expected of [
    'GetObjectCommand uploads',
    'GetObjectCommand results',
    'PutObjectCommand results',
    'ReceiveMessageCommand queue',
    'DeleteMessageBatchCommand queue',
  ]) {
    expect(seen).toContain(expected);
  }
});

describe.each(STAGES)('%s: what the worker does is allowed', (stageName) => {
  test('every recorded S3 and SQS call', async () => {
    const stage = get(stageName);
    const requests = recordedRequests(stage).filter((request) => request.action !== 's3:ListBucket');
    expect(requests.length).toBeGreaterThan(0);
    expect(await refused(stage, workerCaller(stage), requests)).toEqual([]);
  });

  test("the implicit s3:ListBucket of every read that can miss, without s3:prefix (S3's 404 instead of 403)", async () => {
    const stage = get(stageName);
    const requests = recordedRequests(stage).filter((request) => request.action === 's3:ListBucket');
    expect(requests.map((request) => request.resource).sort()).toEqual([
      `arn:aws:s3:::${stage.resources.resultsBucket}`,
      `arn:aws:s3:::${stage.resources.uploadsBucket}`,
    ]);
    expect(await refused(stage, workerCaller(stage), requests)).toEqual([]);
  });

  test('every grant of the worker role is used by a recorded call, or listed with the reason it cannot be', async () => {
    const stage = get(stageName);
    const requests = recordedRequests(stage);
    const unused: Grant[] = [];
    for (const grant of grantsOf(stage)) if (!(await isUsed(stage, grant, requests))) unused.push(grant);
    const unexplained = unused.filter((grant) => !NOT_RECORDED.some((entry) => entry.action === grant.action));
    expect(unexplained.map((grant) => `unused grant ${grant.sid}: ${grant.action} on ${grant.resource}`)).toEqual([]);
  });
});

/** A same-account administrator: only resource policies can stop it, which is what is tested. */
const admin = (stage: StagePolicies): Caller => ({
  principal: `arn:aws:iam::${stage.deployment.accountId}:role/admin`,
  identityPolicies: [{ name: 'admin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }] } }],
});

const s3Service = (stage: StagePolicies, sourceBucket: string, sourceAccount: string): IamRequest => ({
  action: 'sqs:SendMessage',
  resource: stage.resources.queueArn,
  context: { 'aws:SourceArn': `arn:aws:s3:::${sourceBucket}`, 'aws:SourceAccount': sourceAccount, 'aws:SecureTransport': 'true' },
  because: `S3 notification from ${sourceBucket} in ${sourceAccount}`,
});

describe.each(STAGES)('%s: what must never be possible is denied', (stageName) => {
  const secure = { 'aws:SecureTransport': 'true' };
  const insecure = { 'aws:SecureTransport': 'false' };
  const object = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

  test.each([
    { name: 'writing an upload', action: 's3:PutObject', bucket: 'uploads', key: `${INBOX}orders/a.csv` },
    { name: 'deleting an upload', action: 's3:DeleteObject', bucket: 'uploads', key: `${INBOX}orders/a.csv` },
    { name: 'deleting an upload version', action: 's3:DeleteObjectVersion', bucket: 'uploads', key: `${INBOX}orders/a.csv` },
    { name: 'reading outside the inbox', action: 's3:GetObject', bucket: 'uploads', key: 'private/a.csv' },
    { name: 'deleting a manifest', action: 's3:DeleteObject', bucket: 'results', key: 'manifests/incoming/orders/a.csv.json' },
    { name: 'deleting a result', action: 's3:DeleteObject', bucket: 'results', key: 'processed/incoming/orders/a.csv/v1/rows.ndjson.gz' },
    { name: 'writing outside the results layout', action: 's3:PutObject', bucket: 'results', key: 'other/a.json' },
    { name: 'reading results other than manifests', action: 's3:GetObject', bucket: 'results', key: 'processed/incoming/orders/a.csv/v1/rows.ndjson.gz' },
    {
      name: 'tagging a manifest (only outputs may be marked superseded)',
      action: 's3:PutObjectTagging',
      bucket: 'results',
      key: 'manifests/incoming/orders/a.csv.json',
    },
    { name: 'tagging outside processed/', action: 's3:PutObjectTagging', bucket: 'results', key: 'other/a.json' },
    { name: 'tagging an upload', action: 's3:PutObjectTagging', bucket: 'uploads', key: `${INBOX}orders/a.csv` },
    {
      name: 'tagging one version of an output (VersionId)',
      action: 's3:PutObjectVersionTagging',
      bucket: 'results',
      key: 'processed/incoming/orders/a.csv/v1/rows.ndjson.gz',
    },
    { name: 'removing an output tag', action: 's3:DeleteObjectTagging', bucket: 'results', key: 'processed/incoming/orders/a.csv/v1/rows.ndjson.gz' },
  ] as const)('worker: $name ($action)', async ({ action, bucket, key }) => {
    const stage = get(stageName);
    const name = bucket === 'uploads' ? stage.resources.uploadsBucket : stage.resources.resultsBucket;
    expect(await decide(stage, workerCaller(stage), { action, resource: object(name, key), context: secure, because: '' })).not.toBe('Allowed');
  });

  test('worker: tagging the current version of an output as superseded is allowed (the lifecycle rule expires it)', async () => {
    const stage = get(stageName);
    const output = object(stage.resources.resultsBucket, 'processed/incoming/orders/a.csv/v1/rows.ndjson.gz');
    expect(await decide(stage, workerCaller(stage), { action: 's3:PutObjectTagging', resource: output, context: secure, because: '' })).toBe('Allowed');
  });

  test('worker: sending to the queue or reading the DLQ (Lift automatic permissions are off)', async () => {
    const stage = get(stageName);
    const worker = workerCaller(stage);
    expect(await decide(stage, worker, { action: 'sqs:SendMessage', resource: stage.resources.queueArn, context: secure, because: '' })).not.toBe('Allowed');
    expect(await decide(stage, worker, { action: 'sqs:ReceiveMessage', resource: stage.resources.dlqArn, context: secure, because: '' })).not.toBe('Allowed');
  });

  test('plain HTTP to either bucket, the queue or the DLQ is denied by their resource policies, even to an administrator', async () => {
    const stage = get(stageName);
    const requests: IamRequest[] = [
      { action: 's3:GetObject', resource: object(stage.resources.uploadsBucket, `${INBOX}a.csv`), context: insecure, because: 'uploads over HTTP' },
      { action: 's3:GetObject', resource: object(stage.resources.resultsBucket, 'manifests/a.json'), context: insecure, because: 'results over HTTP' },
      { action: 'sqs:ReceiveMessage', resource: stage.resources.queueArn, context: insecure, because: 'queue over HTTP' },
      { action: 'sqs:ReceiveMessage', resource: stage.resources.dlqArn, context: insecure, because: 'DLQ over HTTP' },
    ];
    for (const request of requests) expect(await decide(stage, admin(stage), request), request.because).toBe('ExplicitlyDenied');
    // The control: the same administrator over TLS is allowed, so the denials come from the TLS rule.
    for (const request of requests) expect(await decide(stage, admin(stage), { ...request, context: secure }), request.because).toBe('Allowed');
  });

  test('S3 may notify the queue from the upload bucket of this account, and from nowhere else', async () => {
    const stage = get(stageName);
    const s3 = { principal: 's3.amazonaws.com', identityPolicies: [] };
    expect(await decide(stage, s3, s3Service(stage, stage.resources.uploadsBucket, ACCOUNT_ID))).toBe('Allowed');
    expect(await decide(stage, s3, s3Service(stage, 'someone-elses-bucket', ACCOUNT_ID))).not.toBe('Allowed');
    expect(await decide(stage, s3, s3Service(stage, stage.resources.uploadsBucket, OTHER_ACCOUNT_ID))).not.toBe('Allowed');
  });

  test('another account cannot send to the queue, even with sqs:* of its own', async () => {
    const stage = get(stageName);
    const outsider: Caller = {
      principal: `arn:aws:iam::${OTHER_ACCOUNT_ID}:role/outsider`,
      identityPolicies: [{ name: 'all', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] } }],
    };
    expect(await decide(stage, outsider, { action: 'sqs:SendMessage', resource: stage.resources.queueArn, context: secure, because: '' })).not.toBe('Allowed');
  });
});
