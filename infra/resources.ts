/**
 * CloudFormation that Lift's constructs do not cover: the S3 → SQS wiring, least-privilege
 * IAM and alarms. Every function here is pure: (settings, routes) → template fragment.
 */
import { RESULT_PREFIXES } from '../src/storage/resultKeys.js';
import type { Route, StageSettings } from '../src/config/types.js';

export const QUEUE_ID = 'jobs';
export const UPLOADS_ID = 'uploads';
export const RESULTS_ID = 'results';

const queueArn = `\${construct:${QUEUE_ID}.queueArn}`;
const queueUrl = `\${construct:${QUEUE_ID}.queueUrl}`;
const dlqArn = `\${construct:${QUEUE_ID}.dlqArn}`;
const uploadsArn = `\${construct:${UPLOADS_ID}.bucketArn}`;
const resultsArn = `\${construct:${RESULTS_ID}.bucketArn}`;

/**
 * The upload bucket gets a deterministic name so the queue policy can name its ARN without
 * referencing the bucket: the bucket must depend on the policy (S3 checks it may send
 * when the notification is created), and a reference back would be a dependency cycle.
 */
export const uploadsBucketName = { 'Fn::Sub': '${AWS::StackName}-uploads-${AWS::AccountId}' };
export const resultsBucketName = { 'Fn::Sub': '${AWS::StackName}-results-${AWS::AccountId}' };

/** The same names as plain strings, for `sls invoke local` (which cannot resolve CloudFormation). */
export const bucketNamesFor = (service: string, stage: string, accountId: string) => ({
  uploads: `${service}-${stage}-uploads-${accountId}`,
  results: `${service}-${stage}-results-${accountId}`,
});
const uploadsBucketArn = { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${AWS::StackName}-uploads-${AWS::AccountId}' };

/** One S3 notification rule per (route, suffix): S3 filters take one prefix and one suffix. */
export const queueConfigurations = (routes: readonly Route[]) =>
  routes.flatMap((route) =>
    route.suffixes.map((suffix) => ({
      Event: 's3:ObjectCreated:*',
      Queue: queueArn,
      Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: route.prefix }, { Name: 'suffix', Value: suffix }] } },
    })),
  );

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

/** `Fn::Join` lets the schema accept a Lift variable where an ARN is expected. */
const bucket = (bucketArn: string) => ({ 'Fn::Join': ['', [bucketArn]] });
const objects = (bucketArn: string, prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });

/** The worker reads routed prefixes of the upload bucket and writes only the results layout. */
export const workerIamStatements = (routes: readonly Route[]) => {
  const prefixes = [...new Set(routes.map((route) => route.prefix))];
  return [
    {
      Sid: 'ReadRoutedUploads',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: prefixes.map((prefix) => objects(uploadsArn, prefix)),
    },
    {
      // Lets S3 answer 404 (NoSuchKey) instead of 403 for a deleted object.
      Sid: 'ListRoutedUploads',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucket(uploadsArn)],
      Condition: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
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
      Sid: 'ListManifests',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucket(resultsArn)],
      Condition: { StringLike: { 's3:prefix': ['manifests/*'] } },
    },
  ];
};

const queueName = (arn: string) => ({ 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] });

/**
 * Alarms on the DLQ (anything there is a file that needs a human) and on the age of the
 * oldest message (the worker is falling behind or failing). The topic is not KMS-encrypted:
 * CloudWatch cannot publish to a topic that uses the AWS-managed key.
 */
export const alarmResources = (settings: StageSettings) => ({
  AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'File processor alarms' } },
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
