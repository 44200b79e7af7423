import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { stageFromArgv } from '../../infra/stageFromArgv.js';

const cli = (...args: string[]) => ['/usr/bin/node', 'node_modules/.bin/sls', ...args];

describe('stageFromArgv', () => {
  afterEach(() => vi.unstubAllEnvs());

  test.each([
    { argv: cli('package', '--stage', 'prod'), stage: 'prod' },
    { argv: cli('package', '-s', 'local'), stage: 'local' },
    { argv: cli('deploy', '--stage=prod'), stage: 'prod' },
    { argv: cli('invoke', 'local', '-f', 'jobsWorker', '--stage', 'dev', '--path', 'events/batch.json'), stage: 'dev' },
  ])('$argv.2 … → $stage', ({ argv, stage }) => {
    vi.stubEnv('SLS_STAGE', 'local');
    expect(stageFromArgv(argv)).toBe(stage);
  });

  test('without --stage: SLS_STAGE, else dev', () => {
    vi.stubEnv('SLS_STAGE', 'prod');
    expect(stageFromArgv(cli('package'))).toBe('prod');
    vi.stubEnv('SLS_STAGE', undefined);
    expect(stageFromArgv(cli('package'))).toBe('dev');
  });

  test.each([
    { argv: cli('package', '--stage', 'staging'), given: 'staging' },
    { argv: cli('package', '-s', 'PROD'), given: 'PROD' },
    { argv: cli('package', '--stage='), given: '' },
  ])("unknown stage '$given' names --stage and the value", ({ argv, given }) => {
    expect(() => stageFromArgv(argv)).toThrow(ConfigError);
    expect(() => stageFromArgv(argv)).toThrow(`--stage: must be one of dev, prod, local, '${given}' given`);
  });
});
