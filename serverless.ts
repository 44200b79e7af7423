/**
 * The service: an upload bucket whose notifications feed a queue, a worker that turns each
 * uploaded file into results in a second bucket, a DLQ for what keeps failing, alarms and a dashboard.
 * Stage values come from `src/config/settings.ts` (+ `.env`); routing from `src/config/routes.ts`.
 */
import type { AWS } from '@serverless/typescript';
import { checkRoutes } from './src/config/checkRoutes.js';
import { INBOX, routes } from './src/config/routes.js';
import { loadDotEnv, loadStageSettings } from './src/config/settings.js';
import { SERVICE } from './infra/service.js';
import { workerEnvironment } from './infra/workerEnvironment.js';
import {
  QUEUE_ID,
  QUEUE_POLICY_ID,
  RESULTS_ID,
  UPLOADS_ID,
  dlqPolicy,
  queueConfigurations,
  bucketNamesFor,
  queuePolicy,
  resultsBucketName,
  resultsLifecycleRules,
  uploadsBucketName,
  workerIamStatements,
} from './infra/resources.js';
import { alarmResources, dashboardResources } from './infra/monitoring.js';
import { WORKER_BUNDLE } from './infra/bundle.js';
import { stageFromArgv } from './infra/stageFromArgv.js';

loadDotEnv();
const settings = loadStageSettings(stageFromArgv(), process.env);
checkRoutes(routes);

/** Which sharp binary to package: Lambda's platform, or on `local` the host that runs the worker. */
const sharpTarget =
  settings.stage === 'local'
    ? `--os=${process.platform} --cpu=${process.arch}${process.platform === 'linux' ? ' --libc=glibc' : ''}`
    : `--os=linux --cpu=${settings.architecture === 'arm64' ? 'arm64' : 'x64'} --libc=glibc`;
/**
 * `sls invoke local` and `sls offline` run the worker on this machine and cannot resolve
 * CloudFormation references, so they get the deterministic bucket names (LocalStack's account by
 * default). On `local` they run it against LocalStack, with LocalStack's test credentials.
 */
const invokingLocally = process.argv.includes('invoke') && process.argv.includes('local');
const runningOnHost = invokingLocally || process.argv.includes('offline');
const localNames = bucketNamesFor(SERVICE, settings.stage, settings.region, process.env.AWS_ACCOUNT_ID ?? '000000000000');
const localStackPort = Number(process.env.LOCALSTACK_PORT || '4566');
const localStackEndpoint = `http://127.0.0.1:${localStackPort}`;
const localStackEnvironment: Record<string, string> =
  settings.stage === 'local'
    ? {
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ENDPOINT_URL: localStackEndpoint,
        ...(runningOnHost ? { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } : {}),
      }
    : {};
/** Encryption at rest and in transit on both queues (SSE-SQS; S3 can deliver to it). */
const queueEncryption = { Properties: { SqsManagedSseEnabled: true } };

const configuration = {
  service: SERVICE,
  frameworkVersion: '3',
  plugins: [
    'serverless-esbuild',
    'serverless-lift',
    'serverless-localstack',
    'serverless-offline',
    './local/plugin/localStage.ts',
    './infra/plugins/dependsOn.ts',
    './infra/plugins/retainedBuckets.ts',
    './operations/plugin.ts',
  ],
  provider: {
    name: 'aws',
    runtime: 'nodejs24.x',
    stage: settings.stage,
    region: settings.region as NonNullable<AWS['provider']['region']>,
    architecture: settings.architecture,
    memorySize: settings.memorySize,
    logRetentionInDays: settings.stage === 'prod' ? 90 : 14,
    // The framework's own bucket (build artifacts): no public access, as on the data buckets.
    deploymentBucket: { blockPublicAccess: true },
    environment: {
      ...workerEnvironment(
        settings,
        runningOnHost ? localNames : { uploads: `\${construct:${UPLOADS_ID}.bucketName}`, results: `\${construct:${RESULTS_ID}.bucketName}` },
      ),
      ...localStackEnvironment,
    },
    iam: { role: { statements: workerIamStatements(INBOX) } },
    // X-Ray active tracing; osls adds xray:PutTraceSegments and xray:PutTelemetryRecords to the role.
    ...(settings.tracing === 'on' ? { tracing: { lambda: true } } : {}),
  },
  // Lift would grant every function s3:* on both buckets and SendMessage on the queue.
  lift: { automaticPermissions: false },
  constructs: {
    [UPLOADS_ID]: {
      type: 'storage',
      extensions: {
        // Its DependsOn on the queue policy is added after Lift's synthesis: custom.dependsOn.
        bucket: {
          Properties: {
            BucketName: uploadsBucketName,
            NotificationConfiguration: { QueueConfigurations: queueConfigurations(INBOX) },
          },
        },
      },
    },
    [RESULTS_ID]: {
      type: 'storage',
      // Appended to Lift's own rules (infra/resources.ts says why not through `extensions`).
      lifecycleRules: resultsLifecycleRules(),
      extensions: { bucket: { Properties: { BucketName: resultsBucketName } } },
    },
    [QUEUE_ID]: {
      type: 'queue',
      worker: {
        handler: 'src/handlers/worker.handler',
        timeout: settings.workerTimeoutSeconds,
      },
      maxRetries: settings.maxReceives,
      batchSize: settings.batchSize,
      maxBatchingWindow: settings.batchingWindowSeconds,
      maxConcurrency: settings.maxConcurrency,
      extensions: { queue: queueEncryption, dlq: queueEncryption },
    },
  },
  resources: {
    Resources: {
      [QUEUE_POLICY_ID]: queuePolicy(),
      DeadLetterQueuePolicy: dlqPolicy(),
      ...alarmResources(settings),
      // Not on local: LocalStack 4.14 has no resource provider for dashboards (it skips them with a
      // warning that later releases will fail), and nothing there publishes the metrics shown.
      ...(settings.stage === 'local' ? {} : dashboardResources(settings)),
    },
    Outputs: {
      UploadBucketName: { Value: `\${construct:${UPLOADS_ID}.bucketName}` },
      ResultsBucketName: { Value: `\${construct:${RESULTS_ID}.bucketName}` },
      QueueUrl: { Value: `\${construct:${QUEUE_ID}.queueUrl}` },
      DeadLetterQueueUrl: { Value: `\${construct:${QUEUE_ID}.dlqUrl}` },
    },
  },
  custom: {
    esbuild: {
      ...WORKER_BUNDLE,
      external: [...WORKER_BUNDLE.external],
      // osls 3's invoke local cannot load `.mjs`; the deployed package keeps ESM's extension.
      outputFileExtension: invokingLocally ? '.js' : '.mjs',
      // One work folder per stage, so packaging dev and deploying local at once don't collide.
      outputWorkFolder: `.esbuild/${settings.stage}`,
      // serverless-esbuild's `npm prune` re-selects the host's binaries (sharp), so this runs after it.
      packagerOptions: { scripts: [`npm install --no-audit --no-fund ${sharpTarget}`] },
      // `sls offline` bundles once at start: a rebuild on every file change would terminate the
      // invocations in flight (serverless-offline cleans its functions up), so nothing is watched.
      watch: { pattern: [] },
    },
    // S3 checks it may send to the queue when the notification is created: the upload bucket
    // waits for the queue policy (infra/plugins/dependsOn.ts).
    dependsOn: [{ resource: `\${construct:${UPLOADS_ID}.bucketName}`, on: [QUEUE_POLICY_ID] }],
    // Stages deployed to LocalStack without Lambda; the worker runs on the host (local/plugin/localStage.ts).
    localStage: { stages: ['local'], endpoint: localStackEndpoint },
    // `sls offline start --stage local` runs the worker as declared here and serves Lambda's Invoke
    // API, which the local SQS event source calls (local/offlineLambda.ts, docs/local-development.md).
    'serverless-offline': { host: '127.0.0.1', lambdaPort: Number(process.env.OFFLINE_LAMBDA_PORT || '3002'), noSponsor: true },
    localstack: {
      stages: ['local'],
      host: 'http://127.0.0.1',
      edgePort: localStackPort,
      autostart: false,
    },
  },
} satisfies AWS & Record<string, unknown>;

module.exports = configuration;
