/**
 * The service: an upload bucket whose notifications feed a queue, a worker that turns each
 * uploaded file into results in a second bucket, a DLQ for what keeps failing, and alarms.
 * Stage values come from `src/config/settings.ts` (+ `.env`); routing from `src/config/routes.ts`.
 */
import type { AWS } from '@serverless/typescript';
import { existsSync } from 'node:fs';
import { checkRoutes } from './src/config/checkRoutes.js';
import { routes } from './src/config/routes.js';
import { loadStageSettings } from './src/config/settings.js';
import {
  QUEUE_ID,
  QUEUE_POLICY_ID,
  RESULTS_ID,
  UPLOADS_ID,
  alarmResources,
  queueConfigurations,
  bucketNamesFor,
  queuePolicy,
  resultsBucketName,
  uploadsBucketName,
  workerIamStatements,
} from './infra/resources.js';
import { stageFromArgv } from './infra/stageFromArgv.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const settings = loadStageSettings(stageFromArgv(), process.env);
checkRoutes(routes);

const SERVICE = 'file-processor';
/** Which sharp binary to package: Lambda's platform, or on `local` the host that runs the worker. */
const sharpTarget =
  settings.stage === 'local'
    ? `--os=${process.platform} --cpu=${process.arch}${process.platform === 'linux' ? ' --libc=glibc' : ''}`
    : `--os=linux --cpu=${settings.architecture === 'arm64' ? 'arm64' : 'x64'} --libc=glibc`;
/**
 * `sls invoke local` cannot resolve CloudFormation references without a deployed stack and
 * credentials, so it gets the deterministic bucket names (LocalStack's account by default).
 */
const invokingLocally = process.argv.includes('invoke') && process.argv.includes('local');
const localNames = bucketNamesFor(SERVICE, settings.stage, process.env.AWS_ACCOUNT_ID ?? '000000000000');
const localStackPort = Number(process.env.LOCALSTACK_PORT ?? '4566');
const localStackEnvironment: Record<string, string> =
  settings.stage === 'local' ? { S3_FORCE_PATH_STYLE: 'true', AWS_ENDPOINT_URL: `http://127.0.0.1:${localStackPort}` } : {};
/** Encryption at rest and in transit on both queues (SSE-SQS; S3 can deliver to it). */
const queueEncryption = { Properties: { SqsManagedSseEnabled: true } };

const configuration = {
  service: SERVICE,
  frameworkVersion: '3',
  plugins: ['serverless-esbuild', 'serverless-lift', 'serverless-localstack', 'serverless-offline', './infra/plugins/localWorker.ts'],
  provider: {
    name: 'aws',
    runtime: 'nodejs24.x',
    stage: settings.stage,
    region: settings.region as NonNullable<AWS['provider']['region']>,
    architecture: settings.architecture,
    memorySize: settings.memorySize,
    logRetentionInDays: settings.stage === 'prod' ? 90 : 14,
    environment: {
      // A 16 MiB young generation keeps RSS flat on GiB-sized files (docs/benchmarks.md).
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=16',
      UPLOAD_BUCKET: invokingLocally ? localNames.uploads : `\${construct:${UPLOADS_ID}.bucketName}`,
      RESULTS_BUCKET: invokingLocally ? localNames.results : `\${construct:${RESULTS_ID}.bucketName}`,
      MAX_OBJECT_BYTES: String(settings.maxObjectBytes),
      RECORD_CONCURRENCY: String(settings.recordConcurrency),
      MAX_RECEIVES: String(settings.maxReceives),
      POWERTOOLS_SERVICE_NAME: SERVICE,
      POWERTOOLS_METRICS_NAMESPACE: SERVICE,
      POWERTOOLS_LOG_LEVEL: settings.logLevel,
      ...localStackEnvironment,
    },
    iam: { role: { statements: workerIamStatements(routes) } },
  },
  // Lift would grant every function s3:* on both buckets and SendMessage on the queue.
  lift: { automaticPermissions: false },
  constructs: {
    [UPLOADS_ID]: {
      type: 'storage',
      extensions: {
        bucket: {
          DependsOn: [QUEUE_POLICY_ID],
          Properties: {
            BucketName: uploadsBucketName,
            NotificationConfiguration: { QueueConfigurations: queueConfigurations(routes) },
          },
        },
      },
    },
    [RESULTS_ID]: { type: 'storage', extensions: { bucket: { Properties: { BucketName: resultsBucketName } } } },
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
      ...alarmResources(settings),
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
      bundle: true,
      minify: false,
      sourcemap: true,
      target: 'node24',
      platform: 'node',
      format: 'esm',
      // osls 3's invoke local cannot load `.mjs`; the deployed package keeps ESM's extension.
      outputFileExtension: invokingLocally ? '.js' : '.mjs',
      // One work folder per stage, so packaging dev and deploying local at once don't collide.
      outputWorkFolder: `.esbuild/${settings.stage}`,
      // sharp ships a native binary per platform: installed by the packager, not bundled,
      // for the worker's architecture rather than the machine that packages it.
      external: ['sharp'],
      // serverless-esbuild's `npm prune` re-selects the host's binaries, so this runs after it.
      packagerOptions: { scripts: [`npm install --no-audit --no-fund ${sharpTarget}`] },
      // The local worker runs this very bundle (src/local/localWorker.ts), so keep it.
      keepOutputDirectory: settings.stage === 'local',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    },
    localstack: {
      stages: ['local'],
      host: 'http://127.0.0.1',
      edgePort: localStackPort,
      autostart: false,
    },
  },
} satisfies AWS & Record<string, unknown>;

module.exports = configuration;
