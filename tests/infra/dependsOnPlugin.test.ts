/**
 * infra/plugins/dependsOn.ts: the upload bucket's DependsOn on the queue policy is added after
 * Lift's CDK synthesis, so packaging no longer warns about it (E3005), and it is still in the template.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { addDependsOn, logicalIdOf } from '../../infra/plugins/dependsOn.js';
import { QUEUE_POLICY_ID } from '../../infra/resources.js';
import { runSls } from '../helpers/sls.js';
import { WITHOUT_AWS_ENV } from '../helpers/slsOutput.js';
import type { CfnTemplate } from '../helpers/template.js';

const template = () => ({
  Resources: {
    bucket: { Type: 'AWS::S3::Bucket' } as { Type: string; DependsOn?: string | string[] },
    policy: { Type: 'AWS::SQS::QueuePolicy', DependsOn: 'queue' } as { Type: string; DependsOn?: string | string[] },
    queue: { Type: 'AWS::SQS::Queue' },
  },
});

describe('addDependsOn', () => {
  test('adds the targets to a resource named by a Lift reference ({ Ref }), once each', () => {
    const t = template();
    addDependsOn(t, [{ resource: { Ref: 'bucket' }, on: ['policy'] }]);
    addDependsOn(t, [{ resource: { Ref: 'bucket' }, on: ['policy', 'queue'] }]);
    expect(t.Resources.bucket.DependsOn).toEqual(['policy', 'queue']);
  });

  test('keeps an existing DependsOn given as a string', () => {
    const t = template();
    addDependsOn(t, [{ resource: 'policy', on: ['bucket'] }]);
    expect(t.Resources.policy.DependsOn).toEqual(['queue', 'bucket']);
  });

  test('an unknown resource or target fails, naming it', () => {
    expect(() => addDependsOn(template(), [{ resource: { Ref: 'nope' }, on: ['policy'] }])).toThrow(/resource \{"Ref":"nope"\} is not in the template/);
    expect(() => addDependsOn(template(), [{ resource: 'bucket', on: ['policy', 'gone'] }])).toThrow(/bucket cannot depend on gone: not in the template/);
  });

  test.each([
    ['id', 'id'],
    [{ Ref: 'A' }, 'A'],
    [{ 'Fn::GetAtt': ['B', 'Arn'] }, 'B'],
    [{ 'Fn::GetAtt': 'C.Arn' }, 'C'],
    [{ 'Fn::Sub': '${D}' }, undefined],
    [['E'], undefined],
  ] as const)('logicalIdOf(%j) = %s', (resource, expected) => {
    expect(logicalIdOf(resource)).toBe(expected);
  });
});

test('sls package --stage dev: no CloudFormation-Validate warning, and the upload bucket depends on the queue policy', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sls-package-dependson-'));
  try {
    const run = await runSls(['package', '--stage', 'dev', '--package', dir], WITHOUT_AWS_ENV);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).not.toMatch(/E3005|does not exist as a resource|Template validation found issues/);
    const packaged = JSON.parse(await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
    const uploads = Object.entries(packaged.Resources).filter(([, resource]) => resource.Type === 'AWS::S3::Bucket' && resource.DependsOn !== undefined);
    expect(uploads.map(([id, resource]) => [id.startsWith('uploadsBucket'), resource.DependsOn])).toEqual([[true, [QUEUE_POLICY_ID]]]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
