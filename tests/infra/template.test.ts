/**
 * Properties of the CloudFormation that `sls package` really produces, for `dev` and `prod`.
 * Expected values come from the same config modules `serverless.ts` reads (routes, stage
 * settings), so each test fails when the template drifts from the configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { INBOX, routes } from '../../src/config/routes.js';
import { type Stage, type StageSettings, loadStageSettings } from '../../src/config/settings.js';
import { workerEnvironment } from '../../infra/workerEnvironment.js';
import { SUPERSEDED_EXPIRATION_DAYS, SUPERSEDED_PREFIX } from '../../infra/resources.js';
import { SUPERSEDED_TAG } from '../../src/storage/resultKeys.js';
import { PROJECT_ROOT } from '../helpers/sls.js';
import {
  type CfnTemplate,
  type Json,
  actionsOf,
  asList,
  bucketScope,
  dependencyGraph,
  dependsOn,
  findCycle,
  iamStatements,
  isObject,
  packageStage,
  referencedIds,
  resourcesOfType,
  theResource,
} from '../helpers/template.js';

const ALARM_EMAIL = 'ops@example.com';
/** `ALARM_EMAIL: ''` overrides a developer's `.env`: dev must package without a subscription. */
const stageEnv: Readonly<Record<'dev' | 'prod', Record<string, string>>> = { dev: { ALARM_EMAIL: '' }, prod: { ALARM_EMAIL } };
const STAGES = ['dev', 'prod'] as const;

/** The settings `serverless.ts` sees: process env, the overrides, then `.env` for what is unset. */
const expectedSettings = (stage: Stage, overrides: Record<string, string>): StageSettings => {
  const dotEnvPath = path.join(PROJECT_ROOT, '.env');
  const dotEnv = existsSync(dotEnvPath) ? parseEnv(readFileSync(dotEnvPath, 'utf8')) : {};
  return loadStageSettings(stage, { ...dotEnv, ...process.env, ...overrides });
};

interface Packaged {
  readonly template: CfnTemplate;
  readonly files: readonly string[];
  readonly settings: StageSettings;
  readonly ids: { uploads: string; results: string; queue: string; dlq: string; worker: string; topic: string };
}

const packaged = new Map<Stage, Packaged>();

const logicalIds = (template: CfnTemplate): Packaged['ids'] => {
  const bucket = (construct: string) => theResource(template, 'AWS::S3::Bucket', ({ id }) => id.startsWith(`${construct}Bucket`)).id;
  const queue = theResource(template, 'AWS::SQS::Queue', ({ properties }) => properties.RedrivePolicy !== undefined);
  const redrive = queue.properties.RedrivePolicy;
  const dlqTarget = isObject(redrive) ? redrive.deadLetterTargetArn : undefined;
  const dlq = theResource(template, 'AWS::SQS::Queue', ({ id }) => JSON.stringify(dlqTarget) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
  return {
    uploads: bucket('uploads'),
    results: bucket('results'),
    queue: queue.id,
    dlq: dlq.id,
    worker: theResource(template, 'AWS::Lambda::Function').id,
    topic: theResource(template, 'AWS::SNS::Topic').id,
  };
};

beforeAll(async () => {
  // One after the other: both runs bundle into the project's `.esbuild/` folder.
  for (const stage of STAGES) {
    const { template, files } = await packageStage(stage, stageEnv[stage]);
    packaged.set(stage, { template, files, settings: expectedSettings(stage, stageEnv[stage]), ids: logicalIds(template) });
  }
});

const get = (stage: Stage): Packaged => {
  const found = packaged.get(stage);
  if (found === undefined) throw new Error(`stage ${stage} was not packaged`);
  return found;
};

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/** The queue policy attached to `queueId` only: the queue and the DLQ each have their own. */
const queuePolicyOf = (template: CfnTemplate, queueId: string) =>
  theResource(template, 'AWS::SQS::QueuePolicy', ({ properties }) => JSON.stringify(properties.Queues) === JSON.stringify([{ Ref: queueId }]));

describe.each(STAGES)('packaged template for %s', (stage) => {
  test('S3 notifications: one ObjectCreated rule for the whole inbox, no suffix filter (the worker routes by suffix, in any case)', () => {
    const { template, ids } = get(stage);
    const notification = template.Resources[ids.uploads]?.Properties?.NotificationConfiguration;
    expect(notification).toEqual({
      QueueConfigurations: [{ Event: 's3:ObjectCreated:*', Queue: getAtt(ids.queue), Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: INBOX }] } } }],
    });
    expect(routes.every((route) => route.prefix.startsWith(INBOX))).toBe(true);
    expect(resourcesOfType(template, 'AWS::S3::Bucket').filter(({ properties }) => properties.NotificationConfiguration !== undefined)).toHaveLength(1);
  });

  test.each(['uploads', 'results'] as const)(
    '%s bucket: named after stack, region and account (global names: a second region must not collide)',
    (construct) => {
      const { template, ids } = get(stage);
      expect(template.Resources[ids[construct]]?.Properties?.BucketName).toEqual({
        'Fn::Sub': `\${AWS::StackName}-${construct}-\${AWS::Region}-\${AWS::AccountId}`,
      });
    },
  );

  test('DLQ keeps messages 14 days; the queue redrives to it after the stage maxReceives (≥ 5)', () => {
    const { template, settings, ids } = get(stage);
    expect(template.Resources[ids.dlq]).toMatchObject({ Properties: { MessageRetentionPeriod: 14 * 24 * 3600 } });
    expect(template.Resources[ids.queue]).toMatchObject({
      Properties: { RedrivePolicy: { deadLetterTargetArn: getAtt(ids.dlq), maxReceiveCount: settings.maxReceives } },
    });
    expect(settings.maxReceives).toBeGreaterThanOrEqual(5);
    expect(resourcesOfType(template, 'AWS::SQS::Queue')).toHaveLength(2);
  });

  test("visibility timeout ≥ 6 × function timeout, and equal to Lift's 6 × timeout + batching window", () => {
    const { template, settings, ids } = get(stage);
    const timeout = template.Resources[ids.worker]?.Properties?.Timeout;
    const visibility = template.Resources[ids.queue]?.Properties?.VisibilityTimeout;
    expect(timeout).toBe(settings.workerTimeoutSeconds);
    expect(visibility).toBeTypeOf('number');
    expect(visibility).toBeGreaterThanOrEqual(6 * Number(timeout));
    expect(visibility).toBe(6 * settings.workerTimeoutSeconds + settings.batchingWindowSeconds);
  });

  test('event source mapping: partial batch failures, batch size, window and maximum concurrency of the stage', () => {
    const { template, settings, ids } = get(stage);
    const mapping = theResource(template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.properties).toMatchObject({
      EventSourceArn: getAtt(ids.queue),
      FunctionName: getAtt(ids.worker),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: settings.batchSize,
      MaximumBatchingWindowInSeconds: settings.batchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: settings.maxConcurrency },
    });
    expect(mapping.properties.Enabled).not.toBe(false);
  });

  test('queue policy: only s3.amazonaws.com, from the upload bucket in this account, may send; TLS required', () => {
    const { template, ids } = get(stage);
    const policy = queuePolicyOf(template, ids.queue);
    const bucketName = template.Resources[ids.uploads]?.Properties?.BucketName;
    const nameTemplate = isObject(bucketName) ? bucketName['Fn::Sub'] : undefined;
    expect(nameTemplate).toBeTypeOf('string');
    expect(policy.properties).toMatchObject({ Queues: [{ Ref: ids.queue }] });
    const document = policy.properties.PolicyDocument;
    const statements = isObject(document) ? asList(document.Statement) : [];
    const allows = statements.filter((statement) => isObject(statement) && statement.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: getAtt(ids.queue),
        Condition: {
          // The same deterministic name the bucket is created with: this policy is for that bucket only.
          ArnEquals: { 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${String(nameTemplate)}` } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: getAtt(ids.queue),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  test('the upload bucket depends on the queue policy, the policy does not reference the bucket, no cycle', () => {
    const { template, ids } = get(stage);
    const policy = queuePolicyOf(template, ids.queue);
    const bucket = template.Resources[ids.uploads];
    expect(bucket === undefined ? [] : dependsOn(bucket)).toContain(policy.id);
    expect([...referencedIds(policy.resource as unknown as Json, new Set(Object.keys(template.Resources)))]).not.toContain(ids.uploads);
    expect(findCycle(dependencyGraph(template))).toBeUndefined();
  });

  test('DLQ policy: nobody may use the DLQ without TLS; it allows nothing (redrive and the DLQ tools need no Allow)', () => {
    const { template, ids } = get(stage);
    const document = queuePolicyOf(template, ids.dlq).properties.PolicyDocument;
    expect(isObject(document) ? asList(document.Statement) : []).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: getAtt(ids.dlq),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    expect(resourcesOfType(template, 'AWS::SQS::QueuePolicy')).toHaveLength(2);
  });

  test("alarm topic: TLS-only, publishable only by this account's alarms, not under alias/aws/sns (CloudWatch could not publish)", () => {
    const { template, ids } = get(stage);
    // The no-KMS decision and its reason: tests/infra/lint/suppressions.json, CKV_AWS_26.
    expect(template.Resources[ids.topic]?.Properties?.KmsMasterKeyId).not.toBe('alias/aws/sns');
    const policy = theResource(template, 'AWS::SNS::TopicPolicy');
    expect(policy.properties.Topics).toEqual([{ Ref: ids.topic }]);
    const document = policy.properties.PolicyDocument;
    expect(isObject(document) ? asList(document.Statement) : []).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: ids.topic },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*' } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
      {
        Sid: expect.any(String),
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: { Ref: ids.topic },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  describe('IAM', () => {
    test("no action with a wildcard ('*', 's3:*', 's3:Get*'), no NotAction/NotResource", () => {
      const statements = iamStatements(get(stage).template);
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
      expect(statements.filter((statement) => statement.NotAction !== undefined || statement.NotResource !== undefined)).toEqual([]);
    });

    test("no S3 action on Resource '*'", () => {
      const s3Statements = iamStatements(get(stage).template).filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
      expect(s3Statements.length).toBeGreaterThan(0);
      const wildcard = s3Statements.filter((statement) =>
        asList(statement.Resource).some((resource) => typeof resource === 'string' && resource.includes('*')),
      );
      expect(wildcard).toEqual([]);
    });

    const scopesOf = (stageName: Stage, action: string) =>
      iamStatements(get(stageName).template)
        .filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes(action))
        .flatMap((statement) => asList(statement.Resource).map((resource) => bucketScope(resource) ?? { unrecognised: resource }));

    test('s3:PutObject only on the results bucket, under processed/, manifests/ and failures/', () => {
      const { ids } = get(stage);
      expect(scopesOf(stage, 's3:PutObject')).toEqual(
        expect.arrayContaining([
          { bucket: ids.results, path: '/processed/*' },
          { bucket: ids.results, path: '/manifests/*' },
          { bucket: ids.results, path: '/failures/*' },
        ]),
      );
      expect(scopesOf(stage, 's3:PutObject')).toHaveLength(3);
    });

    test.each(['s3:GetObject', 's3:GetObjectVersion'])('%s on the upload bucket only under the inbox', (action) => {
      const { ids } = get(stage);
      const uploadScopes = scopesOf(stage, action).filter((scope) => !('bucket' in scope && scope.bucket === ids.results));
      expect(uploadScopes).toEqual([{ bucket: ids.uploads, path: `/${INBOX}*` }]);
    });

    test('s3:ListBucket on both buckets without an s3:prefix condition (else S3 answers 403, not 404, for a missing key)', () => {
      const { ids } = get(stage);
      const listing = iamStatements(get(stage).template).filter((statement) => actionsOf(statement).includes('s3:ListBucket'));
      expect(listing.map((statement) => statement.Condition)).toEqual([undefined]);
      expect(scopesOf(stage, 's3:ListBucket')).toEqual([
        { bucket: ids.uploads, path: '' },
        { bucket: ids.results, path: '' },
      ]);
    });

    test('s3:PutObjectTagging only on the results bucket under processed/ (superseded outputs; a manifest is never tagged)', () => {
      const { ids } = get(stage);
      expect(scopesOf(stage, 's3:PutObjectTagging')).toEqual([{ bucket: ids.results, path: `/${SUPERSEDED_PREFIX}*` }]);
      expect(SUPERSEDED_PREFIX).toBe('processed/');
    });

    test('reads of the results bucket are limited to manifests/ (idempotency check)', () => {
      const { ids } = get(stage);
      const resultReads = [...scopesOf(stage, 's3:GetObject'), ...scopesOf(stage, 's3:GetObjectVersion')].filter(
        (scope) => 'bucket' in scope && scope.bucket === ids.results,
      );
      expect(resultReads).toEqual([{ bucket: ids.results, path: '/manifests/*' }]);
    });

    test('only the S3 actions the worker needs, and Lift automatic permissions are off (no sqs:SendMessage)', () => {
      const actions = new Set(iamStatements(get(stage).template).flatMap(actionsOf));
      const s3Actions = [...actions].filter((action) => action.startsWith('s3:')).sort();
      expect(s3Actions).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging']);
      expect([...actions].filter((action) => action.startsWith('sqs:')).sort()).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    });
  });

  test.each(['uploads', 'results'] as const)('%s bucket: encrypted, public access blocked, TLS-only policy', (construct) => {
    const { template, ids } = get(stage);
    const bucketId = ids[construct];
    expect(template.Resources[bucketId]).toMatchObject({
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: expect.stringMatching(/^(AES256|aws:kms|aws:kms:dsse)$/) } }],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
    const policy = theResource(template, 'AWS::S3::BucketPolicy', ({ properties }) => JSON.stringify(properties.Bucket) === JSON.stringify({ Ref: bucketId }));
    const document = policy.properties.PolicyDocument;
    expect(isObject(document) ? asList(document.Statement) : []).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': expect.stringMatching(/^false$/) } },
        Resource: expect.arrayContaining([getAtt(bucketId), { 'Fn::Join': ['', [getAtt(bucketId), '/*']] }]),
      }),
    );
  });

  describe('results bucket lifecycle', () => {
    const rulesOf = (bucketId: string) => {
      const configuration = get(stage).template.Resources[bucketId]?.Properties?.LifecycleConfiguration;
      return isObject(configuration) ? asList(configuration.Rules).filter(isObject) : [];
    };

    test("Lift's rules stay: Intelligent-Tiering from day 0, noncurrent versions expire after 30 days", () => {
      const { ids } = get(stage);
      expect(rulesOf(ids.results)).toEqual(
        expect.arrayContaining([
          { Status: 'Enabled', Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }] },
          { Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
        ]),
      );
    });

    test(`outputs tagged superseded=true under processed/ expire after ${SUPERSEDED_EXPIRATION_DAYS} days; their delete markers go once alone`, () => {
      const { ids } = get(stage);
      expect(SUPERSEDED_TAG).toEqual({ Key: 'superseded', Value: 'true' });
      expect(rulesOf(ids.results)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Status: 'Enabled', Prefix: 'processed/', TagFilters: [SUPERSEDED_TAG], ExpirationInDays: SUPERSEDED_EXPIRATION_DAYS }),
          expect.objectContaining({ Status: 'Enabled', Prefix: 'processed/', ExpiredObjectDeleteMarker: true }),
        ]),
      );
      expect(rulesOf(ids.results)).toHaveLength(4);
    });

    test('no rule expires a current object unless it is a tagged output: manifests and untagged outputs stay', () => {
      const { ids } = get(stage);
      const expiring = [ids.uploads, ids.results].flatMap((bucketId) =>
        rulesOf(bucketId)
          .filter((rule) => rule.ExpirationInDays !== undefined || rule.ExpirationDate !== undefined)
          .map((rule) => ({ bucketId, prefix: rule.Prefix, tags: rule.TagFilters })),
      );
      expect(expiring).toEqual([{ bucketId: ids.results, prefix: 'processed/', tags: [SUPERSEDED_TAG] }]);
    });
  });

  test.each(['queue', 'dlq'] as const)('%s: SSE-SQS encryption', (queue) => {
    const { template, ids } = get(stage);
    expect(template.Resources[ids[queue]]).toMatchObject({ Properties: { SqsManagedSseEnabled: true } });
    expect(template.Resources[ids[queue]]?.Properties?.KmsMasterKeyId).toBeUndefined();
  });

  const queueNameOf = (id: string) => ({ 'Fn::Select': [5, { 'Fn::Split': [':', getAtt(id)] }] });

  test('alarm: DLQ depth > 0 on the DLQ, to the SNS topic', () => {
    const { template, ids } = get(stage);
    const alarm = theResource(template, 'AWS::CloudWatch::Alarm', ({ properties }) => properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(alarm.properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: expect.toBeOneOf([queueNameOf(ids.dlq), getAtt(ids.dlq, 'QueueName')]) }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });

  test("alarm: oldest message age > the stage's threshold on the queue, to the SNS topic", () => {
    const { template, settings, ids } = get(stage);
    const alarm = theResource(template, 'AWS::CloudWatch::Alarm', ({ properties }) => properties.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(alarm.properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: expect.toBeOneOf([queueNameOf(ids.queue), getAtt(ids.queue, 'QueueName')]) }],
      Threshold: settings.oldestMessageAlarmSeconds,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });

  test('function environment: exactly workerEnvironment(stage settings), the builder the local worker uses too', () => {
    const { template, settings, ids } = get(stage);
    expect(template.Resources[ids.worker]?.Properties?.Environment).toEqual({
      Variables: workerEnvironment(settings, { uploads: { Ref: ids.uploads }, results: { Ref: ids.results } }),
    });
  });

  test('runtime nodejs24.x, architecture and memory of the stage', () => {
    const { template, settings, ids } = get(stage);
    expect(template.Resources[ids.worker]).toMatchObject({
      Properties: { Runtime: 'nodejs24.x', Architectures: [settings.architecture], MemorySize: settings.memorySize },
    });
  });

  test('outputs: both bucket names, the queue URL and the DLQ URL', () => {
    const { template, ids } = get(stage);
    expect(template.Outputs).toMatchObject({
      UploadBucketName: { Value: { Ref: ids.uploads } },
      ResultsBucketName: { Value: { Ref: ids.results } },
      QueueUrl: { Value: { Ref: ids.queue } },
      DeadLetterQueueUrl: { Value: { Ref: ids.dlq } },
    });
  });
});

describe('deployment zip', () => {
  test.each(STAGES)('%s: holds the ESM bundle and the sharp binary for its own architecture only', (stage) => {
    const { files, settings } = get(stage);
    const cpu = settings.architecture === 'arm64' ? 'arm64' : 'x64';
    const other = cpu === 'arm64' ? 'x64' : 'arm64';
    expect(files).toContain('src/handlers/worker.mjs');
    expect(files.some((file) => file.startsWith(`node_modules/@img/sharp-linux-${cpu}/`))).toBe(true);
    expect(files.some((file) => file.startsWith(`node_modules/@img/sharp-libvips-linux-${cpu}/`))).toBe(true);
    expect(files.filter((file) => file.includes(`-linux-${other}/`) || file.includes('-darwin-') || file.includes('-win32-'))).toEqual([]);
  });
});

describe('alarm e-mail subscription', () => {
  test('prod (ALARM_EMAIL set): the topic has an e-mail subscription to it', () => {
    const { template, ids } = get('prod');
    expect(theResource(template, 'AWS::SNS::Subscription').properties).toEqual({ TopicArn: { Ref: ids.topic }, Protocol: 'email', Endpoint: ALARM_EMAIL });
  });

  test('dev (ALARM_EMAIL unset): no subscription', () => {
    expect(resourcesOfType(get('dev').template, 'AWS::SNS::Subscription')).toEqual([]);
  });
});

describe('stage differences reach the template', () => {
  test('prod and dev settings differ where the template must differ (guards against comparing a stage with itself)', () => {
    const [dev, prod] = [get('dev'), get('prod')];
    expect(prod.template.Resources[prod.ids.worker]?.Properties?.Architectures).not.toEqual(dev.template.Resources[dev.ids.worker]?.Properties?.Architectures);
    expect(prod.settings.maxConcurrency).not.toBe(dev.settings.maxConcurrency);
  });
});
