import { describe, expect, test } from 'vitest';
import { routes } from '../../src/config/routes.js';
import { loadWorkerConfig } from '../../src/config/runtime.js';
import { STAGES, loadStageSettings } from '../../src/config/settings.js';
import { LAMBDA_NODE_OPTIONS, workerEnvironment } from '../../infra/workerEnvironment.js';
import { ConfigError } from '../../src/errors.js';

const BUCKETS = { uploads: 'my-uploads', results: 'my-results' };
const environmentOf = (env: Readonly<Record<string, string>> = {}) => workerEnvironment(loadStageSettings('dev', env), BUCKETS);

describe('workerEnvironment → loadWorkerConfig: what is deployed is what the worker reads', () => {
  test.each(STAGES)('%s: every setting the worker uses survives the round trip', (stage) => {
    const settings = loadStageSettings(stage, { ALARM_EMAIL: 'ops@example.com', MAX_OBJECT_BYTES: '2147483648', RECORD_CONCURRENCY: '7' });
    const config = loadWorkerConfig(workerEnvironment(settings, BUCKETS));
    expect(config).toMatchObject({
      uploadBucket: 'my-uploads',
      resultsBucket: 'my-results',
      maxObjectBytes: settings.maxObjectBytes,
      recordConcurrency: settings.recordConcurrency,
      maxReceives: settings.maxReceives,
      routes,
    });
    expect(config.maxObjectBytes).toBe(2 * 1024 ** 3);
  });

  test("the Lambda's NODE_OPTIONS and Powertools settings are part of the environment", () => {
    expect(environmentOf({ LOG_LEVEL: 'WARN' })).toMatchObject({
      NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_SERVICE_NAME: 'file-processor',
    });
  });

  test.each([
    { stage: 'dev', tracing: true },
    { stage: 'local', tracing: false },
  ] as const)('$stage: tracing $tracing, as the stage setting says', ({ stage, tracing }) => {
    expect(loadWorkerConfig(workerEnvironment(loadStageSettings(stage, {}), BUCKETS)).tracing).toBe(tracing);
  });

  test('path-style S3 only when asked for (LocalStack without DNS)', () => {
    expect(loadWorkerConfig(environmentOf()).s3ForcePathStyle).toBe(false);
    expect(loadWorkerConfig({ ...environmentOf(), S3_FORCE_PATH_STYLE: 'true' }).s3ForcePathStyle).toBe(true);
  });
});

describe('loadWorkerConfig: no defaults of its own', () => {
  test("TRACING other than 'on' or 'off' fails with the deploy-time rule", () => {
    expect(() => loadWorkerConfig({ ...environmentOf(), TRACING: 'yes' })).toThrow("TRACING: must be one of on, off, 'yes' given");
  });

  test.each(['UPLOAD_BUCKET', 'RESULTS_BUCKET', 'MAX_OBJECT_BYTES', 'RECORD_CONCURRENCY', 'MAX_RECEIVES', 'TRACING'])('%s missing fails, naming it', (name) => {
    const env: Record<string, string | undefined> = { ...environmentOf(), [name]: undefined };
    expect(() => loadWorkerConfig(env)).toThrow(ConfigError);
    expect(() => loadWorkerConfig(env)).toThrow(`${name}: required by the worker, not set`);
  });

  test.each([
    { value: '0', rule: 'must be between 1 and 64' },
    { value: '65', rule: 'must be between 1 and 64' },
    { value: '-1', rule: 'must be a whole number' },
    { value: '1.5', rule: 'must be a whole number' },
    { value: 'many', rule: 'must be a whole number' },
  ])("RECORD_CONCURRENCY '$value' fails with the deploy-time rule: $rule", ({ value, rule }) => {
    expect(() => loadWorkerConfig({ ...environmentOf(), RECORD_CONCURRENCY: value })).toThrow(`RECORD_CONCURRENCY: ${rule}, '${value}' given`);
  });
});
