/**
 * The worker's configuration, read once at cold start from the environment that
 * `workerEnvironment` builds (for the deployed function and the local worker alike). No
 * defaults here: a missing or malformed value fails loudly rather than differing silently.
 */
import { ConfigError } from '../errors.js';
import { checkRoutes } from './checkRoutes.js';
import { routes } from './routes.js';
import type { Route } from './types.js';

export interface WorkerConfig {
  readonly uploadBucket: string;
  readonly resultsBucket: string;
  readonly maxObjectBytes: number;
  readonly recordConcurrency: number;
  readonly maxReceives: number;
  readonly routes: readonly Route[];
  /** LocalStack without DNS needs path-style S3 URLs. */
  readonly s3ForcePathStyle: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const required = (env: Env, name: string): string => {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`${name}: required by the worker, not set`);
  return value;
};

const positiveInteger = (env: Env, name: string): number => {
  const raw = required(env, name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name}: must be a positive whole number, '${raw}' given`);
  return value;
};

/** @example loadWorkerConfig(process.env).resultsBucket */
export const loadWorkerConfig = (env: Env): WorkerConfig => ({
  uploadBucket: required(env, 'UPLOAD_BUCKET'),
  resultsBucket: required(env, 'RESULTS_BUCKET'),
  maxObjectBytes: positiveInteger(env, 'MAX_OBJECT_BYTES'),
  recordConcurrency: positiveInteger(env, 'RECORD_CONCURRENCY'),
  maxReceives: positiveInteger(env, 'MAX_RECEIVES'),
  routes: checkRoutes(routes),
  s3ForcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
});
