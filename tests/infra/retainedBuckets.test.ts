/** The pre-deploy check that turns "bucket already exists" deep in CloudFormation into one clear line. */
import { describe, expect, test } from 'vitest';
import RetainedBucketsPlugin, { blockedMessage, retainedBucketNames } from '../../infra/plugins/retainedBuckets.js';

const VALUES = { 'AWS::StackName': 'file-processor-dev', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012' };
const RESOURCES = {
  uploads: {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Retain',
    Properties: { BucketName: { 'Fn::Sub': '${AWS::StackName}-uploads-${AWS::Region}-${AWS::AccountId}' } },
  },
  results: {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Retain',
    Properties: { BucketName: { 'Fn::Sub': '${AWS::StackName}-results-${AWS::Region}-${AWS::AccountId}' } },
  },
  deployment: { Type: 'AWS::S3::Bucket', Properties: {} },
  queue: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'Retain' },
};

type Call = (service: string, method: string, params: Record<string, unknown>) => Promise<unknown>;

const providerError = (statusCode: number, message: string) => Object.assign(new Error(message), { providerError: { statusCode } });

const runCheck = async (request: Call) => {
  const serverless = {
    service: { provider: { compiledCloudFormationTemplate: { Resources: RESOURCES } } },
    classes: { Error },
    getProvider: () => ({
      getStage: () => 'dev',
      getRegion: () => 'eu-west-1',
      getAccountId: async () => '123456789012',
      naming: { getStackName: () => 'file-processor-dev' },
      request,
    }),
  };
  const plugin = new RetainedBucketsPlugin(serverless, {}, { log: { verbose: () => undefined } });
  await plugin.hooks['before:deploy:deploy']?.();
};

const noStack: Call = async (service, _method, params) => {
  if (service === 'CloudFormation') throw new Error(`Stack with id ${String(params.StackName)} does not exist`);
  throw providerError(404, 'Not Found');
};

describe('retainedBucketNames', () => {
  test('the names of retained buckets, resolved; generated names and other types are left out', () => {
    expect(retainedBucketNames(RESOURCES, VALUES)).toEqual([
      'file-processor-dev-uploads-eu-west-1-123456789012',
      'file-processor-dev-results-eu-west-1-123456789012',
    ]);
  });
});

describe('before the first deploy of a stack', () => {
  test('no retained bucket left: the deploy goes on', async () => {
    await expect(runCheck(noStack)).resolves.toBeUndefined();
  });

  test.each([
    { name: 'left by sls remove (ours)', answer: async () => ({}) },
    { name: 'taken by another account (403)', answer: async () => Promise.reject(providerError(403, 'Forbidden')) },
  ])('a retained bucket that exists, $name, stops the deploy with what to do', async ({ answer }) => {
    const request: Call = async (service, method, params) =>
      service === 'S3' && String(params.Bucket).includes('-uploads-') ? answer() : noStack(service, method, params);
    await expect(runCheck(request)).rejects.toThrow(blockedMessage('file-processor-dev', ['file-processor-dev-uploads-eu-west-1-123456789012']));
    await expect(runCheck(request)).rejects.toThrow(/aws s3 rb s3:\/\/<name> --force.*another --stage/);
  });

  test('an update of an existing stack is not checked: its buckets belong to it', async () => {
    const calls: string[] = [];
    await runCheck(async (service, method) => {
      calls.push(`${service}.${method}`);
      return {};
    });
    expect(calls).toEqual(['CloudFormation.describeStacks']);
  });
});
