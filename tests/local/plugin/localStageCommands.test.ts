/**
 * local/plugin/localStage.ts on the commands that talk to a deployed stage: on local stages the
 * framework's SDK v3 clients (Lift's) get LocalStack's endpoint and test credentials, and
 * `sls info` lists no function. Other stages are left alone. With a fake framework: no CLI here.
 */
import { describe, expect, test } from 'vitest';
import LocalStagePlugin, { LOCALSTACK_CREDENTIALS, localStackEndpoint } from '../../../local/plugin/localStage.js';

type Config = Record<string, unknown>;

const fakeServerless = (stage: string) => {
  const calls: Config[] = [];
  const awsInfo = new (class AwsInfo {
    gatheredData = { info: { functions: [{ name: 'jobsWorker', deployedName: 'file-processor-local-jobsWorker' }] } };
  })();
  const sections = new Map<string, string | string[]>();
  const provider = {
    getStage: () => stage,
    getAwsSdkV3Config: async (options: Config = {}): Promise<Config> => {
      calls.push(options);
      return { region: 'us-east-1', credentials: options.credentials ?? 'the default chain', maxAttempts: 5 };
    },
  };
  const serverless = {
    pluginManager: { plugins: [awsInfo] },
    service: {
      provider: { compiledCloudFormationTemplate: { Resources: {} } },
      custom: { localStage: { stages: ['local'], endpoint: 'http://127.0.0.1:4599' } },
    },
    getProvider: () => provider,
    addServiceOutputSection: (name: string, content: string | string[]) => sections.set(name, content),
  };
  const plugin = new LocalStagePlugin(serverless, {}, { log: { notice: () => {}, verbose: () => {} } });
  return { plugin, provider, calls, awsInfo, sections };
};

describe('SDK v3 config', () => {
  test('on a local stage: the configured LocalStack endpoint and test credentials, whatever the environment has', async () => {
    const { provider, calls } = fakeServerless('local');
    const previous = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;
    try {
      expect(await provider.getAwsSdkV3Config()).toEqual({
        region: 'us-east-1',
        credentials: LOCALSTACK_CREDENTIALS,
        maxAttempts: 5,
        endpoint: 'http://127.0.0.1:4599',
      });
      expect(calls).toEqual([{ credentials: LOCALSTACK_CREDENTIALS }]);
    } finally {
      if (previous !== undefined) process.env.AWS_ENDPOINT_URL = previous;
    }
  });

  test('on other stages: unchanged', async () => {
    const { provider } = fakeServerless('dev');
    expect(await provider.getAwsSdkV3Config({ region: 'eu-west-1' })).toEqual({ region: 'us-east-1', credentials: 'the default chain', maxAttempts: 5 });
  });

  test('AWS_ENDPOINT_URL, when set, wins over the configured endpoint (as in serverless-localstack)', () => {
    expect(localStackEndpoint('http://127.0.0.1:4599', { AWS_ENDPOINT_URL: 'http://10.0.0.2:4566' })).toBe('http://10.0.0.2:4566');
    expect(localStackEndpoint('http://127.0.0.1:4599', {})).toBe('http://127.0.0.1:4599');
    expect(localStackEndpoint(undefined, {})).toBe('http://127.0.0.1:4566');
  });
});

describe('sls info', () => {
  test('on a local stage: no function listed; a section says where the worker runs', () => {
    const { plugin, awsInfo, sections } = fakeServerless('local');
    plugin.hooks['after:aws:info:gatherData']?.();
    expect(awsInfo.gatheredData.info.functions).toEqual([]);
    expect(sections.get('local worker')).toEqual(['jobsWorker: not deployed here, runs on the host under sls offline (npm run worker:local)']);
  });

  test('on other stages: the functions stay', () => {
    const { plugin, awsInfo, sections } = fakeServerless('dev');
    plugin.hooks['after:aws:info:gatherData']?.();
    expect(awsInfo.gatheredData.info.functions).toHaveLength(1);
    expect(sections.size).toBe(0);
  });
});
