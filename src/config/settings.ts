/**
 * Stage settings: one schema, declared once. Each setting names its environment variable, its
 * rule (range or allowed values) and its default per stage; `StageSettings` is derived from it.
 * `serverless.ts` and the local worker load a stage's settings from it (`.env` included), and
 * the worker parses the variables it receives (runtime.ts) with the same rules.
 * `.env.example` documents every variable (a test checks).
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export const STAGES = ['dev', 'prod', 'local'] as const;
export type Stage = (typeof STAGES)[number];

export const ARCHITECTURES = ['arm64', 'x86_64'] as const;
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const SWITCH = ['on', 'off'] as const;

const MiB = 1024 * 1024;

/** A whole number within [min, max]. */
const integer = (min: number, max: number) => ({ kind: 'integer', min, max }) as const;
/** One of `values`, exactly. */
const oneOf = <const T extends readonly string[]>(values: T) => ({ kind: 'oneOf', values }) as const;
/** Text matching `pattern`, described as `what` in messages. */
const text = (pattern: RegExp, what: string) => ({ kind: 'text', pattern, what }) as const;

/**
 * The schema. Per-stage `defaults`: `undefined` = required on that stage; `''` = unset (only
 * where `optional`). Ranges are AWS's limits, or ours where a comment says so.
 */
export const SETTINGS = {
  region: {
    env: 'AWS_REGION',
    rule: text(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region like eu-west-1'),
    defaults: { dev: 'eu-west-1', prod: 'eu-west-1', local: 'us-east-1' },
  },
  architecture: { env: 'LAMBDA_ARCHITECTURE', rule: oneOf(ARCHITECTURES), defaults: { dev: 'x86_64', prod: 'arm64', local: 'x86_64' } },
  memorySize: { env: 'LAMBDA_MEMORY_MB', rule: integer(128, 10_240), defaults: { dev: 1024, prod: 2048, local: 1024 } },
  // Lambda's maximum; with Lift's 6 × timeout rule the queue's visibility timeout stays within SQS's 12 h.
  // local: 10 s makes a retry come back after 61 s and a poison file reach the DLQ in about 5 min
  // (30 s took 181 s and 15 min); the integration tests process their files with 1 s. Larger local
  // files need more: at ~30 MB/s of CSV ETL (docs/benchmarks.md), 10 s is about 250 MB per batch.
  workerTimeoutSeconds: { env: 'WORKER_TIMEOUT_SECONDS', rule: integer(1, 900), defaults: { dev: 60, prod: 120, local: 10 } },
  batchSize: { env: 'BATCH_SIZE', rule: integer(1, 10_000), defaults: { dev: 10, prod: 10, local: 10 } },
  batchingWindowSeconds: { env: 'BATCHING_WINDOW_SECONDS', rule: integer(0, 300), defaults: { dev: 0, prod: 5, local: 1 } },
  maxConcurrency: { env: 'MAX_CONCURRENCY', rule: integer(2, 1000), defaults: { dev: 5, prod: 50, local: 2 } },
  // At least 5 receives before the DLQ (AWS's advice for SQS event sources).
  maxReceives: { env: 'MAX_RECEIVES', rule: integer(5, 1000), defaults: { dev: 5, prod: 5, local: 5 } },
  // Ours: more objects at once than this only adds memory pressure in one invocation.
  recordConcurrency: { env: 'RECORD_CONCURRENCY', rule: integer(1, 64), defaults: { dev: 4, prod: 8, local: 4 } },
  // S3's largest object (5 TiB).
  maxObjectBytes: { env: 'MAX_OBJECT_BYTES', rule: integer(1, 5 * 1024 ** 4), defaults: { dev: 2048 * MiB, prod: 2048 * MiB, local: 512 * MiB } },
  // CloudWatch's 1-minute period to SQS's 14-day retention.
  oldestMessageAlarmSeconds: { env: 'ALARM_OLDEST_MESSAGE_SECONDS', rule: integer(60, 1_209_600), defaults: { dev: 3600, prod: 600, local: 3600 } },
  // Invocations that failed as a whole (timeout, crash, out of memory) in 5 minutes; the chain itself
  // turns every per-file failure into a partial batch response, so any error is worth a look.
  workerErrorsAlarmCount: { env: 'ALARM_WORKER_ERRORS', rule: integer(0, 1_000_000), defaults: { dev: 0, prod: 0, local: 0 } },
  // Throttled invocations in 5 minutes: each one hands a batch back to the queue, a receive closer to the DLQ.
  workerThrottlesAlarmCount: { env: 'ALARM_WORKER_THROTTLES', rule: integer(0, 1_000_000), defaults: { dev: 0, prod: 0, local: 0 } },
  // Share of the files finished in 15 minutes (processed + rejected) that were rejected.
  rejectedAlarmPercent: { env: 'ALARM_REJECTED_PERCENT', rule: integer(1, 100), defaults: { dev: 50, prod: 10, local: 50 } },
  alarmEmail: {
    env: 'ALARM_EMAIL',
    rule: text(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address'),
    defaults: { dev: '', prod: undefined, local: '' },
    optional: true,
  },
  logLevel: { env: 'LOG_LEVEL', rule: oneOf(LOG_LEVELS), defaults: { dev: 'INFO', prod: 'INFO', local: 'DEBUG' } },
  // X-Ray active tracing of the worker (Powertools Tracer); LocalStack without Lambda has no X-Ray.
  tracing: { env: 'TRACING', rule: oneOf(SWITCH), defaults: { dev: 'on', prod: 'on', local: 'off' } },
} as const;

type Schema = typeof SETTINGS;
type Rule =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'oneOf'; readonly values: readonly string[] }
  | { readonly kind: 'text'; readonly pattern: RegExp; readonly what: string };
type ValueOf<R extends Rule> = R extends { kind: 'integer' } ? number : R extends { kind: 'oneOf'; values: readonly (infer V)[] } ? V : string;

/** Everything that differs between stages. */
export type StageSettings = { readonly stage: Stage } & {
  readonly [K in keyof Schema]: ValueOf<Schema[K]['rule']> | (Schema[K] extends { optional: true } ? undefined : never);
};

/** The environment variables that configure a stage, for docs and `.env.example` checks. */
export const settingVariables = Object.values(SETTINGS).map((setting) => setting.env);

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `raw` checked against `rule`; the message names the variable, the rule and the value.
 * @example parseValue('BATCH_SIZE', SETTINGS.batchSize.rule, '50') // 50
 */
export const parseValue = <R extends Rule>(name: string, rule: R, raw: string): ValueOf<R> => {
  if (rule.kind === 'oneOf') {
    if (!(rule.values as readonly string[]).includes(raw)) throw new ConfigError(`${name}: must be one of ${rule.values.join(', ')}, '${raw}' given`);
    return raw as ValueOf<R>;
  }
  if (rule.kind === 'text') {
    if (!rule.pattern.test(raw)) throw new ConfigError(`${name}: must be ${rule.what}, '${raw}' given`);
    return raw as ValueOf<R>;
  }
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name}: must be a whole number, '${raw}' given`);
  const value = Number(raw);
  if (value < rule.min || value > rule.max) throw new ConfigError(`${name}: must be between ${rule.min} and ${rule.max}, '${raw}' given`);
  return value as ValueOf<R>;
};

/**
 * Loads `.env` into `process.env` (values already set win), as `serverless.ts` does at package
 * time: the local worker calls it too, so both see the same settings.
 */
export const loadDotEnv = (path = '.env'): void => {
  if (existsSync(path)) process.loadEnvFile(path);
};

export const parseStage = (raw: string | undefined): Stage => parseValue('--stage', oneOf(STAGES), raw ?? 'dev');

/**
 * Resolves a stage's settings from its defaults and `env`, then checks the cross-field rules.
 * @example loadStageSettings('prod', { ALARM_EMAIL: 'ops@example.com' }).workerTimeoutSeconds // 120
 */
export const loadStageSettings = (stage: Stage, env: Env): StageSettings => {
  const entries = Object.entries(SETTINGS).map(([key, setting]) => {
    const raw = env[setting.env];
    if (raw !== undefined && raw !== '') return [key, parseValue(setting.env, setting.rule, raw)];
    const fallback: string | number | undefined = setting.defaults[stage];
    if (fallback === undefined) throw new ConfigError(`${setting.env}: required for stage '${stage}', not set (see .env.example)`);
    return [key, fallback === '' ? undefined : fallback];
  });
  return checkStageSettings({ stage, ...Object.fromEntries(entries) } as StageSettings);
};

/** Rules across settings, which one setting's range cannot express. */
export const checkStageSettings = (settings: StageSettings): StageSettings => {
  if (settings.batchSize > 10 && settings.batchingWindowSeconds < 1) {
    throw new ConfigError(`BATCH_SIZE: a batch size above 10 needs BATCHING_WINDOW_SECONDS ≥ 1, '${settings.batchSize}' given with a window of 0`);
  }
  return settings;
};

/** Lift's rule: visibility timeout = 6 × worker timeout + batching window. */
export const visibilityTimeoutSeconds = (settings: Pick<StageSettings, 'workerTimeoutSeconds' | 'batchingWindowSeconds'>): number =>
  6 * settings.workerTimeoutSeconds + settings.batchingWindowSeconds;
