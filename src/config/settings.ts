/**
 * Stage settings: one table of variables, each with its per-stage default.
 * Read once (by `serverless.ts` at package time); `.env.example` documents every variable.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { ARCHITECTURES, STAGES, type Stage, type StageSettings } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;
type Defaults<T> = Readonly<Record<Stage, T>>;

const integer = (name: string, raw: string): number => {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name}: must be a whole number, '${raw}' given`);
  return Number(raw);
};

const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (name: string, raw: string): T => {
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(`${name}: must be one of ${allowed.join(', ')}, '${raw}' given`);
    }
    return raw as T;
  };

const email = (name: string, raw: string): string => {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw)) throw new ConfigError(`${name}: must be an e-mail address, '${raw}' given`);
  return raw;
};

const MiB = 1024 * 1024;

/** Variable name → how to parse it and its default per stage (`undefined` = required there). */
const variables = {
  region: { env: 'AWS_REGION', parse: (_: string, raw: string) => raw, defaults: { dev: 'eu-west-1', prod: 'eu-west-1', local: 'us-east-1' } },
  architecture: { env: 'LAMBDA_ARCHITECTURE', parse: oneOf(ARCHITECTURES), defaults: { dev: 'x86_64', prod: 'arm64', local: 'x86_64' } },
  memorySize: { env: 'LAMBDA_MEMORY_MB', parse: integer, defaults: { dev: 1024, prod: 2048, local: 1024 } },
  workerTimeoutSeconds: { env: 'WORKER_TIMEOUT_SECONDS', parse: integer, defaults: { dev: 60, prod: 120, local: 30 } },
  batchSize: { env: 'BATCH_SIZE', parse: integer, defaults: { dev: 10, prod: 10, local: 10 } },
  batchingWindowSeconds: { env: 'BATCHING_WINDOW_SECONDS', parse: integer, defaults: { dev: 0, prod: 5, local: 1 } },
  maxConcurrency: { env: 'MAX_CONCURRENCY', parse: integer, defaults: { dev: 5, prod: 50, local: 2 } },
  maxReceives: { env: 'MAX_RECEIVES', parse: integer, defaults: { dev: 5, prod: 5, local: 5 } },
  recordConcurrency: { env: 'RECORD_CONCURRENCY', parse: integer, defaults: { dev: 4, prod: 8, local: 4 } },
  maxObjectBytes: { env: 'MAX_OBJECT_BYTES', parse: integer, defaults: { dev: 2048 * MiB, prod: 2048 * MiB, local: 512 * MiB } },
  oldestMessageAlarmSeconds: { env: 'ALARM_OLDEST_MESSAGE_SECONDS', parse: integer, defaults: { dev: 3600, prod: 600, local: 3600 } },
  alarmEmail: { env: 'ALARM_EMAIL', parse: email, defaults: { dev: '', prod: undefined, local: '' } },
  logLevel: { env: 'LOG_LEVEL', parse: oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR'] as const), defaults: { dev: 'INFO', prod: 'INFO', local: 'DEBUG' } },
} as const satisfies { [K in keyof Omit<StageSettings, 'stage'>]: { env: string; parse: (name: string, raw: string) => unknown; defaults: Defaults<unknown> } };

/** The environment variables that configure a stage, for docs and `.env.example` checks. */
export const settingVariables = Object.values(variables).map((variable) => variable.env);

/**
 * Loads `.env` into `process.env` (values already set win), as `serverless.ts` does at package
 * time: the local worker calls it too, so both see the same settings.
 */
export const loadDotEnv = (path = '.env'): void => {
  if (existsSync(path)) process.loadEnvFile(path);
};

export const parseStage = (raw: string | undefined): Stage => oneOf(STAGES)('--stage', raw ?? 'dev');

/**
 * Resolves a stage's settings from its defaults and `env`, then checks the cross-field rules.
 * @example loadStageSettings('prod', { ALARM_EMAIL: 'ops@example.com' }).workerTimeoutSeconds // 120
 */
export const loadStageSettings = (stage: Stage, env: Env): StageSettings => {
  const settings: Record<string, unknown> = { stage };
  for (const [key, variable] of Object.entries(variables)) {
    const raw = env[variable.env];
    const fallback = (variable.defaults as Defaults<unknown>)[stage];
    if (raw !== undefined && raw !== '') settings[key] = variable.parse(variable.env, raw);
    else if (fallback === undefined) throw new ConfigError(`${variable.env}: required for stage '${stage}', not set (see .env.example)`);
    else settings[key] = fallback === '' ? undefined : fallback;
  }
  return checkStageSettings(settings as unknown as StageSettings);
};

/** AWS limits that a plain type cannot express; each message names the variable and value. */
export const checkStageSettings = (settings: StageSettings): StageSettings => {
  const range = (env: string, value: number, min: number, max: number) => {
    if (value < min || value > max) throw new ConfigError(`${env}: must be between ${min} and ${max}, '${value}' given`);
  };
  // Lambda's maximum; with Lift's 6 × timeout rule the queue's visibility timeout stays within SQS's 12 h.
  range('WORKER_TIMEOUT_SECONDS', settings.workerTimeoutSeconds, 1, 900);
  range('LAMBDA_MEMORY_MB', settings.memorySize, 128, 10_240);
  range('BATCH_SIZE', settings.batchSize, 1, 10_000);
  range('BATCHING_WINDOW_SECONDS', settings.batchingWindowSeconds, 0, 300);
  range('MAX_CONCURRENCY', settings.maxConcurrency, 2, 1000);
  range('MAX_RECEIVES', settings.maxReceives, 5, 1000);
  range('RECORD_CONCURRENCY', settings.recordConcurrency, 1, 64);
  range('MAX_OBJECT_BYTES', settings.maxObjectBytes, 1, 5 * 1024 ** 4);
  range('ALARM_OLDEST_MESSAGE_SECONDS', settings.oldestMessageAlarmSeconds, 60, 1_209_600);
  if (settings.batchSize > 10 && settings.batchingWindowSeconds < 1) {
    throw new ConfigError(`BATCH_SIZE: a batch size above 10 needs BATCHING_WINDOW_SECONDS ≥ 1, '${settings.batchSize}' given with a window of 0`);
  }
  return settings;
};

/** Lift's rule: visibility timeout = 6 × worker timeout + batching window. */
export const visibilityTimeoutSeconds = (settings: Pick<StageSettings, 'workerTimeoutSeconds' | 'batchingWindowSeconds'>): number =>
  6 * settings.workerTimeoutSeconds + settings.batchingWindowSeconds;
