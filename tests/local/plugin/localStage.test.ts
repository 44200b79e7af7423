import { describe, expect, test } from 'vitest';
import { referencesOf, withoutLambda, type Template } from '../../../local/plugin/localStage.js';

/** The shape Lift + the framework produce for the `jobs` queue and its worker, trimmed. */
const packaged = (): Template => ({
  Resources: {
    JobsWorkerLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/w' } },
    IamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: {} },
    JobsWorkerLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      DependsOn: ['JobsWorkerLogGroup'],
      Properties: { Role: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } },
    },
    JobsWorkerLambdaVersionAbc: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'JobsWorkerLambdaFunction' } } },
    JobsWorkerEventSourceMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      DependsOn: ['IamRoleLambdaExecution'],
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['jobsQueue', 'Arn'] }, FunctionName: { 'Fn::GetAtt': ['JobsWorkerLambdaFunction', 'Arn'] } },
    },
    jobsQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    QueuePolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'jobsQueue' }] } },
    SharedLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: {} },
    UsesShared: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: { 'Fn::Sub': '${SharedLogGroup}' } } },
  },
  Outputs: {
    JobsWorkerLambdaFunctionQualifiedArn: { Value: { Ref: 'JobsWorkerLambdaVersionAbc' } },
    QueueUrl: { Value: { Ref: 'jobsQueue' } },
  },
});

describe('withoutLambda', () => {
  test('removes the worker, what only it used, and outputs that point at it; keeps the rest as is', () => {
    const before = packaged();
    const { template, removed } = withoutLambda(before);
    expect(removed.sort()).toEqual(
      ['IamRoleLambdaExecution', 'JobsWorkerEventSourceMapping', 'JobsWorkerLambdaFunction', 'JobsWorkerLambdaVersionAbc', 'JobsWorkerLogGroup'].sort(),
    );
    expect(Object.keys(template.Resources).sort()).toEqual(['QueuePolicy', 'SharedLogGroup', 'UsesShared', 'jobsQueue']);
    expect(template.Resources.jobsQueue).toBe(before.Resources.jobsQueue);
    expect(Object.keys(template.Outputs ?? {})).toEqual(['QueueUrl']);
    expect(Object.keys(before.Resources)).toHaveLength(9);
  });

  test('a template without Lambda comes back unchanged', () => {
    const { template, removed } = withoutLambda({ Resources: { q: { Type: 'AWS::SQS::Queue' } } });
    expect(removed).toEqual([]);
    expect(template.Resources).toEqual({ q: { Type: 'AWS::SQS::Queue' } });
  });
});

test.each([
  [{ Ref: 'A' }, ['A']],
  [{ 'Fn::GetAtt': ['B', 'Arn'] }, ['B']],
  [{ 'Fn::GetAtt': 'C.Arn' }, ['C']],
  [{ 'Fn::Sub': 'arn:${AWS::Partition}:x:${D}:${E.Arn}' }, ['D', 'E']],
  [{ DependsOn: ['F', 'G'] }, ['F', 'G']],
  [{ 'Fn::Sub': ['${H}', { H: { Ref: 'I' } }] }, ['H', 'I']],
])('referencesOf(%j)', (value, expected) => {
  expect([...referencesOf(value)]).toEqual(expected);
});
