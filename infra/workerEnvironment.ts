/**
 * The worker's environment, built in one place from the stage settings: `serverless.ts` sets it
 * on the deployed function and the local worker on itself, so both run with the same values.
 * `runtime.ts` reads it back at cold start.
 */
import { BUCKET_VARIABLES, WORKER_SETTINGS } from '../src/config/runtime.js';
import { SERVICE, stackNameFor } from './service.js';
import { SETTINGS, type StageSettings } from '../src/config/settings.js';

/**
 * A 16 MiB young generation keeps RSS flat on GiB-sized files. No `--enable-source-maps`: it
 * parses the whole map at every cold start (+20 ms); src/observability.ts maps a stack only when
 * one is formatted (docs/benchmarks.md).
 */
export const LAMBDA_NODE_OPTIONS = '--max-semi-space-size=16';

export interface WorkerBuckets<Name> {
  readonly uploads: Name;
  readonly results: Name;
}

type WorkerSettings = Pick<StageSettings, (typeof WORKER_SETTINGS)[number] | 'stage' | 'logLevel' | 'tracing'>;

/**
 * The worker's EMF metrics namespace: one per stage, so that dev and prod in one account and
 * region keep their counters (and dashboards and alarms) apart.
 */
export const metricsNamespaceFor = (stage: string): string => stackNameFor(stage);

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
  POWERTOOLS_METRICS_NAMESPACE: metricsNamespaceFor(settings.stage),
  POWERTOOLS_LOG_LEVEL: settings.logLevel,
  // The worker opens X-Ray segments (Powertools Tracer) only where the function traces (provider.tracing).
  [SETTINGS.tracing.env]: settings.tracing,
});
