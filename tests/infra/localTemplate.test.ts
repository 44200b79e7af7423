/**
 * Stage `local` deploys into LocalStack without Docker, which cannot run Lambda: the local-stage
 * plugin leaves out every Lambda resource and whatever refers to one, including resources of
 * our own from `resources` (merged by osls just before the template is saved).
 */
import { beforeAll, expect, test } from 'vitest';
import { referencesOf } from '../../local/plugin/localStage.js';
import { type CfnTemplate, type Json, packageStage } from '../helpers/template.js';

let local: CfnTemplate;
let dev: CfnTemplate;
beforeAll(async () => {
  [local, dev] = [(await packageStage('local')).template, (await packageStage('dev', { ALARM_EMAIL: '' })).template];
});

test('no Lambda resource, and nothing left that refers to one', () => {
  const lambdaIds = Object.entries(dev.Resources)
    .filter(([, resource]) => resource.Type.startsWith('AWS::Lambda::'))
    .map(([id]) => id);
  expect(lambdaIds.length).toBeGreaterThan(0);
  expect(Object.values(local.Resources).filter((resource) => resource.Type.startsWith('AWS::Lambda::'))).toEqual([]);
  for (const [id, resource] of Object.entries(local.Resources)) {
    const dangling = [...referencesOf(resource as unknown as Json)].filter((ref) => lambdaIds.includes(ref));
    expect(dangling, id).toEqual([]);
  }
});

test('everything that does not need Lambda is deployed as on AWS: buckets, queues, policies, alarms', () => {
  const types = (template: CfnTemplate) => new Set(Object.values(template.Resources).map((resource) => resource.Type));
  for (const type of ['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy', 'AWS::CloudWatch::Alarm', 'AWS::SNS::Topic']) {
    expect(types(local), type).toContain(type);
  }
});
