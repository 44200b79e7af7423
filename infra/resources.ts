/**
 * CloudFormation that Lift's constructs do not cover: the S3 → SQS wiring, least-privilege
 * IAM and the results bucket's housekeeping (alarms and dashboard: monitoring.ts). Every
 * function here is pure: (settings, routes) → template fragment.
 */
import { OUTPUTS_PREFIX, RESULT_PREFIXES, SUPERSEDED_TAG } from '../src/storage/resultKeys.js';

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

/** Where superseded outputs live: among the outputs (src/storage/resultKeys.ts: processed/<key>/<version>/<name>). */
export const SUPERSEDED_PREFIX = OUTPUTS_PREFIX;

/** Days a tagged output stays current before it expires (see `supersededOutputsRule`). */
export const SUPERSEDED_EXPIRATION_DAYS = 7;

/**
 * Lifecycle rules for the results bucket, in Lift's `lifecycleRules` (appended to Lift's own:
 * Intelligent-Tiering and noncurrent versions expiring after 30 days; an `extensions` override of
 * `LifecycleConfiguration.Rules` would replace those, as Lift overrides arrays whole).
 * - Outputs the worker tagged `superseded=true` expire after SUPERSEDED_EXPIRATION_DAYS: a week lets
 *   a reader who fetched the previous manifest finish with its outputs, and leaves time to untag
 *   (`s3api delete-object-tagging`) if a tagging bug ever marks live outputs. The bucket is
 *   versioned, so expiring adds a delete marker and the data stays restorable for Lift's 30
 *   noncurrent days: gone for good after 37 days.
 * - Delete markers left alone once their noncurrent versions are gone are removed too (S3 keeps
 *   them otherwise, one per expired output, and every listing of versions walks them).
 * A manifest is never tagged (the worker may tag only processed/, see workerIamStatements).
 */
export const resultsLifecycleRules = () => [
  { id: 'ExpireSupersededOutputs', prefix: SUPERSEDED_PREFIX, tagFilters: [SUPERSEDED_TAG], expirationInDays: SUPERSEDED_EXPIRATION_DAYS },
  { id: 'RemoveExpiredOutputDeleteMarkers', prefix: SUPERSEDED_PREFIX, expiredObjectDeleteMarker: true },
];

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
    // Housekeeping: the worker tags the outputs no current manifest references any more
    // (SUPERSEDED_TAG), and resultsLifecycleRules expires them. Outputs only: a manifest is never tagged.
    Sid: 'TagSupersededOutputs',
    Effect: 'Allow',
    Action: ['s3:PutObjectTagging'],
    Resource: [objects(resultsArn, SUPERSEDED_PREFIX)],
  },
  {
    Sid: 'NotFoundInsteadOfAccessDenied',
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: [bucket(uploadsArn), bucket(resultsArn)],
  },
];
