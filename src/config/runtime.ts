/**
 * The worker's configuration, read once at cold start from the environment that
 * `workerEnvironment` builds (for the deployed function and the local worker alike). No
 * defaults here: a missing or malformed value fails loudly rather than differing silently.
 */
import { ConfigError } from '../errors.js';
import { checkRoutes } from './checkRoutes.js';
import { routes } from './routes.js';
import { SETTINGS, parseValue } from './settings.js';
import type { Route } from './types.js';

export interface WorkerConfig {
  readonly uploadBucket: string;
  readonly resultsBucket: string;
  readonly maxObjectBytes: number;
  readonly recordConcurrency: number;
  readonly maxReceives: number;
  readonly routes: readonly Route[];
  /** X-Ray tracing with Powertools Tracer (`TRACING` = on/off, the stage setting `tracing`). */
  readonly tracing: boolean;
  /** LocalStack without DNS needs path-style S3 URLs. */
  readonly s3ForcePathStyle: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const required = (env: Env, name: string): string => {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`${name}: required by the worker, not set`);
  return value;
};

/** The variables that name the buckets (workerEnvironment sets them). */
export const BUCKET_VARIABLES = { uploads: 'UPLOAD_BUCKET', results: 'RESULTS_BUCKET' } as const;

/** Stage settings the worker receives as they are: same variable, same rule as at deploy time. */
export const WORKER_SETTINGS = ['maxObjectBytes', 'recordConcurrency', 'maxReceives'] as const;

const setting = (env: Env, key: (typeof WORKER_SETTINGS)[number]): number => {
  const { env: name, rule } = SETTINGS[key];
  return parseValue(name, rule, required(env, name));
};

/** @example loadWorkerConfig(process.env).resultsBucket */
export const loadWorkerConfig = (env: Env): WorkerConfig => ({
  uploadBucket: required(env, BUCKET_VARIABLES.uploads),
  resultsBucket: required(env, BUCKET_VARIABLES.results),
  maxObjectBytes: setting(env, 'maxObjectBytes'),
  recordConcurrency: setting(env, 'recordConcurrency'),
  maxReceives: setting(env, 'maxReceives'),
  routes: checkRoutes(routes),
  tracing: parseValue(SETTINGS.tracing.env, SETTINGS.tracing.rule, required(env, SETTINGS.tracing.env)) === 'on',
  s3ForcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
});
