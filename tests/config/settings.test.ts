import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { STAGES, type Stage, checkStageSettings, loadStageSettings, parseStage, visibilityTimeoutSeconds } from '../../src/config/settings.js';

const PROD_ENV = { ALARM_EMAIL: 'ops@example.com' };

describe('loadStageSettings: defaults', () => {
  test.each(STAGES)('%s loads with its defaults (prod given its required ALARM_EMAIL)', (stage) => {
    const settings = loadStageSettings(stage, stage === 'prod' ? PROD_ENV : {});
    expect(settings.stage).toBe(stage);
    expect(settings.maxReceives).toBeGreaterThanOrEqual(5);
    expect(visibilityTimeoutSeconds(settings)).toBeLessThanOrEqual(43_200);
  });

  test.each([
    { stage: 'dev', architecture: 'x86_64', memorySize: 1024, workerTimeoutSeconds: 60, alarmEmail: undefined },
    { stage: 'prod', architecture: 'arm64', memorySize: 2048, workerTimeoutSeconds: 120, alarmEmail: 'ops@example.com' },
    { stage: 'local', architecture: 'x86_64', memorySize: 1024, workerTimeoutSeconds: 10, alarmEmail: undefined },
  ] as const)('$stage: architecture $architecture, $memorySize MB, timeout $workerTimeoutSeconds s', ({ stage, ...expected }) => {
    expect(loadStageSettings(stage, stage === 'prod' ? PROD_ENV : {})).toMatchObject(expected);
  });

  test.each([
    { stage: 'dev', tracing: 'on' },
    { stage: 'prod', tracing: 'on' },
    // LocalStack without Lambda has no X-Ray to send segments to.
    { stage: 'local', tracing: 'off' },
  ] as const)('$stage: tracing $tracing', ({ stage, tracing }) => {
    expect(loadStageSettings(stage, stage === 'prod' ? PROD_ENV : {}).tracing).toBe(tracing);
  });

  test("local: a failed file is back within about a minute and a poison file in the DLQ within about 5, on AWS's rules", () => {
    const settings = loadStageSettings('local', {});
    expect(settings.maxReceives).toBeGreaterThanOrEqual(5);
    expect(visibilityTimeoutSeconds(settings)).toBe(6 * settings.workerTimeoutSeconds + settings.batchingWindowSeconds);
    expect(visibilityTimeoutSeconds(settings)).toBeLessThanOrEqual(61);
    expect(settings.maxReceives * visibilityTimeoutSeconds(settings)).toBeLessThanOrEqual(5 * 61);
  });

  test('a variable overrides the default; an empty value means unset', () => {
    expect(loadStageSettings('dev', { LAMBDA_MEMORY_MB: '3008', BATCH_SIZE: '' })).toMatchObject({ memorySize: 3008, batchSize: 10 });
  });
});

/** A message must name the variable and the value given. */
const rejects = (stage: Stage, env: Readonly<Record<string, string | undefined>>, variable: string, value: string) => {
  const load = () => loadStageSettings(stage, { ...(stage === 'prod' ? PROD_ENV : {}), ...env });
  expect(load).toThrow(ConfigError);
  expect(load).toThrow(new RegExp(`^${variable}: .*'${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
};

describe('loadStageSettings: bad configuration gets a clear error', () => {
  test.each([
    // 6 × 7201 s = 43 206 s > SQS's 12 h limit on the visibility timeout (and above Lambda's 900 s).
    { name: 'timeout whose visibility timeout exceeds 12 h', env: { WORKER_TIMEOUT_SECONDS: '7201' }, variable: 'WORKER_TIMEOUT_SECONDS', value: '7201' },
    { name: 'timeout above Lambda’s 900 s', env: { WORKER_TIMEOUT_SECONDS: '901' }, variable: 'WORKER_TIMEOUT_SECONDS', value: '901' },
    { name: 'batch size > 10 without a batching window', env: { BATCH_SIZE: '50', BATCHING_WINDOW_SECONDS: '0' }, variable: 'BATCH_SIZE', value: '50' },
    { name: 'maxReceives below 5', env: { MAX_RECEIVES: '3' }, variable: 'MAX_RECEIVES', value: '3' },
    { name: 'maximum concurrency below 2', env: { MAX_CONCURRENCY: '1' }, variable: 'MAX_CONCURRENCY', value: '1' },
    { name: 'batching window above 300 s', env: { BATCHING_WINDOW_SECONDS: '301' }, variable: 'BATCHING_WINDOW_SECONDS', value: '301' },
    { name: 'memory below 128 MB', env: { LAMBDA_MEMORY_MB: '64' }, variable: 'LAMBDA_MEMORY_MB', value: '64' },
    { name: 'oldest-message alarm below a minute', env: { ALARM_OLDEST_MESSAGE_SECONDS: '59' }, variable: 'ALARM_OLDEST_MESSAGE_SECONDS', value: '59' },
    { name: 'unknown architecture', env: { LAMBDA_ARCHITECTURE: 'ARM64' }, variable: 'LAMBDA_ARCHITECTURE', value: 'ARM64' },
    { name: 'unknown log level', env: { LOG_LEVEL: 'verbose' }, variable: 'LOG_LEVEL', value: 'verbose' },
    { name: 'malformed region (it goes into bucket names)', env: { AWS_REGION: 'Europe West' }, variable: 'AWS_REGION', value: 'Europe West' },
    { name: 'record concurrency above 64', env: { RECORD_CONCURRENCY: '65' }, variable: 'RECORD_CONCURRENCY', value: '65' },
    { name: 'malformed e-mail', env: { ALARM_EMAIL: 'ops-at-example.com' }, variable: 'ALARM_EMAIL', value: 'ops-at-example.com' },
    { name: 'tracing other than on/off', env: { TRACING: 'true' }, variable: 'TRACING', value: 'true' },
    { name: 'rejected-ratio alarm at 0 %', env: { ALARM_REJECTED_PERCENT: '0' }, variable: 'ALARM_REJECTED_PERCENT', value: '0' },
    { name: 'rejected-ratio alarm above 100 %', env: { ALARM_REJECTED_PERCENT: '101' }, variable: 'ALARM_REJECTED_PERCENT', value: '101' },
    { name: 'negative worker-errors alarm', env: { ALARM_WORKER_ERRORS: '-1' }, variable: 'ALARM_WORKER_ERRORS', value: '-1' },
    { name: 'fractional worker-throttles alarm', env: { ALARM_WORKER_THROTTLES: '0.5' }, variable: 'ALARM_WORKER_THROTTLES', value: '0.5' },
  ])('$name', ({ env, variable, value }) => rejects('dev', env, variable, value));

  test.each(['abc', '1.5', '-3', '1e3', '0x10', '10 s', '١٠'])('bad integer %j for BATCH_SIZE', (raw) =>
    rejects('dev', { BATCH_SIZE: raw }, 'BATCH_SIZE', raw),
  );

  test('batch size > 10 is accepted with a batching window', () => {
    expect(loadStageSettings('dev', { BATCH_SIZE: '50', BATCHING_WINDOW_SECONDS: '1' })).toMatchObject({ batchSize: 50, batchingWindowSeconds: 1 });
  });

  test.each([
    { stage: 'prod', env: {} },
    { stage: 'prod', env: { ALARM_EMAIL: '' } },
  ] as const)('prod without ALARM_EMAIL ($env) names the variable and the stage', ({ stage, env }) => {
    const load = () => loadStageSettings(stage, env);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow("ALARM_EMAIL: required for stage 'prod', not set");
  });

  test.each(['dev', 'local'] as const)('%s does not require ALARM_EMAIL', (stage) => {
    expect(loadStageSettings(stage, {}).alarmEmail).toBeUndefined();
  });
});

describe('checkStageSettings: the visibility-timeout limit', () => {
  test('the largest in-range timeout and window (6 × 900 + 300 = 5 700 s) stay under 12 h and are accepted', () => {
    const settings = { ...loadStageSettings('dev', {}), workerTimeoutSeconds: 900, batchingWindowSeconds: 300 };
    // The 12 h rule itself is unreachable while WORKER_TIMEOUT_SECONDS ≤ 900: the range check answers first.
    expect(checkStageSettings(settings)).toBe(settings);
    expect(visibilityTimeoutSeconds(settings)).toBe(5700);
  });
});

describe('parseStage', () => {
  test.each(STAGES)('accepts %s', (stage) => expect(parseStage(stage)).toBe(stage));
  test('defaults to dev', () => expect(parseStage(undefined)).toBe('dev'));
  test.each(['staging', 'Prod', ''])('rejects %j, naming --stage and the value', (raw) => {
    expect(() => parseStage(raw)).toThrow(ConfigError);
    expect(() => parseStage(raw)).toThrow(`--stage: must be one of dev, prod, local, '${raw}' given`);
  });
});
