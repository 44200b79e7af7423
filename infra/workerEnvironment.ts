/**
 * The worker's environment, built in one place from the stage settings: `serverless.ts` sets it
 * on the deployed function and the local worker on itself, so both run with the same values.
 * `runtime.ts` reads it back at cold start.
 */
import { BUCKET_VARIABLES, WORKER_SETTINGS } from '../src/config/runtime.js';
import { SERVICE } from './service.js';
import { SETTINGS, type StageSettings } from '../src/config/settings.js';

/** A 16 MiB young generation keeps RSS flat on GiB-sized files (docs/benchmarks.md). */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=16';

export interface WorkerBuckets<Name> {
  readonly uploads: Name;
  readonly results: Name;
}

type WorkerSettings = Pick<StageSettings, (typeof WORKER_SETTINGS)[number] | 'logLevel'>;

/**
 * Bucket names are CloudFormation references when deploying and plain names locally.
 * @example workerEnvironment(settings, { uploads: 'my-uploads', results: 'my-results' }).MAX_OBJECT_BYTES
 */
export const workerEnvironment = <Name>(settings: WorkerSettings, buckets: WorkerBuckets<Name>) => ({
  NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
  [BUCKET_VARIABLES.uploads]: buckets.uploads,
  [BUCKET_VARIABLES.results]: buckets.results,
  ...Object.fromEntries(WORKER_SETTINGS.map((key) => [SETTINGS[key].env, String(settings[key])])),
  POWERTOOLS_SERVICE_NAME: SERVICE,
  POWERTOOLS_METRICS_NAMESPACE: SERVICE,
  POWERTOOLS_LOG_LEVEL: settings.logLevel,
});
