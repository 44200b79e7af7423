/**
 * CloudFormation that Lift's constructs do not cover: the S3 → SQS wiring, least-privilege
 * IAM and alarms. Every function here is pure: (settings, routes) → template fragment.
 */
import { RESULT_PREFIXES } from '../src/storage/resultKeys.js';
import type { StageSettings } from '../src/config/settings.js';

export const QUEUE_ID = 'jobs';
export const UPLOADS_ID = 'uploads';
export const RESULTS_ID = 'results';

const queueArn = `\${construct:${QUEUE_ID}.queueArn}`;
const queueUrl = `\${construct:${QUEUE_ID}.queueUrl}`;
const dlqArn = `\${construct:${QUEUE_ID}.dlqArn}`;
const uploadsArn = `\${construct:${UPLOADS_ID}.bucketArn}`;
const resultsArn = `\${construct:${RESULTS_ID}.bucketArn}`;

/**
 * Deterministic bucket names, so the queue policy can name the upload bucket's ARN without
 * referencing the bucket: the bucket must depend on the policy (S3 checks it may send when the
 * notification is created), and a reference back would be a dependency cycle. Bucket names
 * are global: the region keeps the same stage in two regions apart.
 */
const bucketName = (kind: string) => `\${AWS::StackName}-${kind}-\${AWS::Region}-\${AWS::AccountId}`;
export const uploadsBucketName = { 'Fn::Sub': bucketName('uploads') };
export const resultsBucketName = { 'Fn::Sub': bucketName('results') };
const uploadsBucketArn = { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucketName('uploads')}` };

/** S3's limit on bucket names. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/**
 * The same names as plain strings, for `sls invoke local` (which cannot resolve CloudFormation)
 * and the pre-deploy check; throws when a name would exceed S3's 63 characters.
 * @example bucketNamesFor('file-processor', 'local', 'us-east-1', '000000000000').uploads
 */
export const bucketNamesFor = (service: string, stage: string, region: string, accountId: string) => {
  const name = (kind: string) => {
    const full = `${service}-${stage}-${kind}-${region}-${accountId}`;
    if (full.length > MAX_BUCKET_NAME_LENGTH) {
      throw new Error(`bucket name: must be at most ${MAX_BUCKET_NAME_LENGTH} characters, '${full}' (${full.length}) given; shorten the service or stage name`);
    }
    return full;
  };
  return { uploads: name('uploads'), results: name('results') };
};

/** One notification rule for the whole inbox; the worker routes by suffix (see src/config/routes.ts). */
export const queueConfigurations = (inbox: string) => [
  { Event: 's3:ObjectCreated:*', Queue: queueArn, Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: inbox }] } } },
];

export const QUEUE_POLICY_ID = 'UploadsNotificationQueuePolicy';

/** Only the upload bucket, in this account, may send; nobody may talk to the queue without TLS. */
export const queuePolicy = () => ({
  Type: 'AWS::SQS::QueuePolicy',
  Properties: {
    Queues: [queueUrl],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowUploadBucketNotifications',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: {
            ArnEquals: { 'aws:SourceArn': uploadsBucketArn },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: queueArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    },
  },
});

/**
 * Nobody may talk to the DLQ without TLS, as on the queue: it holds the same S3 notifications.
 * No Allow is needed: SQS's redrive moves messages itself, and the DLQ tools use IAM.
 */
export const dlqPolicy = () => ({
  Type: 'AWS::SQS::QueuePolicy',
  Properties: {
    Queues: [`\${construct:${QUEUE_ID}.dlqUrl}`],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: dlqArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    },
  },
});

/** `Fn::Join` lets the schema accept a Lift variable where an ARN is expected. */
const bucket = (bucketArn: string) => ({ 'Fn::Join': ['', [bucketArn]] });
const objects = (bucketArn: string, prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });

/**
 * The worker reads what the inbox notifies and writes only the results layout. ListBucket is
 * granted without an `s3:prefix` condition on purpose: S3 answers a GET of a missing key with
 * 404 only to a caller that may list the bucket (403 otherwise), and that implicit check carries
 * no prefix. Without it, every first manifest read would be a 403 (retried into the DLQ) and a
 * deleted upload would never get its rejection. Listing key names of our own buckets shows
 * nothing the worker cannot already read.
 */
export const workerIamStatements = (inbox: string) => [
  {
    Sid: 'ReadInbox',
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:GetObjectVersion'],
    Resource: [objects(uploadsArn, inbox)],
  },
  {
    // AbortMultipartUpload: lib-storage cleans up an interrupted multipart upload.
    Sid: 'WriteResults',
    Effect: 'Allow',
    Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
    Resource: RESULT_PREFIXES.map((prefix) => objects(resultsArn, prefix)),
  },
  {
    // Idempotency: an existing manifest for the same version means "done, skip".
    Sid: 'ReadManifests',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: [objects(resultsArn, 'manifests/')],
  },
  {
    Sid: 'NotFoundInsteadOfAccessDenied',
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: [bucket(uploadsArn), bucket(resultsArn)],
  },
];

const queueName = (arn: string) => ({ 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] });

/**
 * The alarm topic's policy: only CloudWatch alarms of this account and region may publish, and
 * only over TLS. It replaces SNS's default policy, so CloudWatch needs its own Allow.
 */
export const alarmTopicPolicy = () => ({
  Type: 'AWS::SNS::TopicPolicy',
  Properties: {
    Topics: [{ Ref: 'AlarmTopic' }],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowAlarmsOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: 'AlarmTopic' },
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*' } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: { Ref: 'AlarmTopic' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    },
  },
});

/**
 * Alarms on the DLQ (anything there is a file that needs a human) and on the age of the
 * oldest message (the worker is falling behind or failing), to a topic that is TLS-only but
 * not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed key
 * (alias/aws/sns), and a customer-managed key that admits CloudWatch costs $1 a month per
 * stage to protect alarm names and metric values (tests/infra/lint/suppressions.json, CKV_AWS_26).
 */
export const alarmResources = (settings: StageSettings) => ({
  AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'File processor alarms' } },
  AlarmTopicPolicy: alarmTopicPolicy(),
  ...(settings.alarmEmail === undefined
    ? {}
    : {
        AlarmEmailSubscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: settings.alarmEmail },
        },
      }),
  DeadLetterQueueDepthAlarm: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: 'Messages in the dead-letter queue: files that failed every retry',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: queueName(dlqArn) }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
      OKActions: [{ Ref: 'AlarmTopic' }],
    },
  },
  OldestMessageAgeAlarm: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: `Oldest message waited more than ${settings.oldestMessageAlarmSeconds} s: the worker is behind or failing`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: queueName(queueArn) }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: settings.oldestMessageAlarmSeconds,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
      OKActions: [{ Ref: 'AlarmTopic' }],
    },
  },
});
