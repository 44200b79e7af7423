/**
 * The worker's configuration, read once at cold start from the environment that
 * `serverless.ts` sets (or the local worker). Missing or malformed values fail loudly.
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

const positiveInteger = (env: Env, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name}: must be a positive whole number, '${raw}' given`);
  return value;
};

/** @example loadWorkerConfig(process.env).resultsBucket */
export const loadWorkerConfig = (env: Env): WorkerConfig => ({
  uploadBucket: required(env, 'UPLOAD_BUCKET'),
  resultsBucket: required(env, 'RESULTS_BUCKET'),
  maxObjectBytes: positiveInteger(env, 'MAX_OBJECT_BYTES', 2 * 1024 ** 3),
  recordConcurrency: positiveInteger(env, 'RECORD_CONCURRENCY', 4),
  maxReceives: positiveInteger(env, 'MAX_RECEIVES', 5),
  routes: checkRoutes(routes),
  s3ForcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
});
