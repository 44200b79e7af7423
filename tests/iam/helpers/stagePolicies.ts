/**
 * Everything IAM needs to decide a request against one packaged stage: the worker role's
 * identity policies, the bucket policies and the queue policies, with intrinsics resolved for
 * a made-up account and the stage's region, plus the concrete names of the stage's resources.
 */
import { type CfnTemplate, type Json, asList, isObject, resourcesOfType, theResource } from '../../helpers/template.js';
import { type Deployment, resolveIntrinsics } from './resolveIntrinsics.js';

export const ACCOUNT_ID = '123456789012';
export const OTHER_ACCOUNT_ID = '210987654321';

export type Policy = { readonly Version?: string; readonly Statement: readonly PolicyStatement[] };
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** The resources the worker works with, as the names AWS gives them. */
export interface StageResources {
  readonly uploadsBucket: string;
  readonly resultsBucket: string;
  readonly queueArn: string;
  readonly dlqArn: string;
}

export interface StagePolicies {
  readonly deployment: Deployment;
  readonly resources: StageResources;
  /** The Lambda execution role's session, as the principal of the worker's calls. */
  readonly workerPrincipal: string;
  readonly identityPolicies: readonly { readonly name: string; readonly policy: Policy }[];
  /** Resource policies by the ARN they protect (bucket ARN, queue ARN). */
  readonly resourcePolicies: ReadonlyMap<string, Policy>;
}

const asPolicy = (value: unknown, at: string): Policy => {
  if (!isObject(value as Json) || !Array.isArray((value as { Statement?: unknown }).Statement)) throw new Error(`${at}: not a policy document`);
  return value as Policy;
};

const merge = (policies: ReadonlyMap<string, Policy>, arn: string, policy: Policy): Policy => ({
  Version: '2012-10-17',
  Statement: [...(policies.get(arn)?.Statement ?? []), ...policy.Statement],
});

/** @example stagePolicies(template, { accountId: ACCOUNT_ID, region: 'eu-west-1', stackName: 'file-processor-dev' }) */
export const stagePolicies = (template: CfnTemplate, deployment: Deployment): StagePolicies => {
  const resolve = (value: Json) => resolveIntrinsics(template, deployment, value);
  const bucketName = (construct: string) =>
    String(resolve({ Ref: theResource(template, 'AWS::S3::Bucket', ({ id }) => id.startsWith(`${construct}Bucket`)).id }));
  const queue = theResource(template, 'AWS::SQS::Queue', ({ properties }) => properties.RedrivePolicy !== undefined);
  const redrive = queue.properties.RedrivePolicy;
  const resources: StageResources = {
    uploadsBucket: bucketName('uploads'),
    resultsBucket: bucketName('results'),
    queueArn: String(resolve({ 'Fn::GetAtt': [queue.id, 'Arn'] })),
    dlqArn: String(resolve(isObject(redrive) ? (redrive.deadLetterTargetArn ?? null) : null)),
  };

  const role = theResource(template, 'AWS::IAM::Role');
  const roleName = String(resolve({ Ref: role.id }));
  const identityPolicies = asList(role.properties.Policies).map((policy, index) => {
    const resolved = resolve(policy) as { PolicyName?: unknown; PolicyDocument?: unknown };
    return { name: String(resolved.PolicyName ?? `inline-${index}`), policy: asPolicy(resolved.PolicyDocument, `${role.id}.Policies[${index}]`) };
  });
  if (asList(role.properties.ManagedPolicyArns).length > 0)
    throw new Error(`${role.id}: managed policies are not simulated here; inline them or extend stagePolicies`);

  const resourcePolicies = new Map<string, Policy>();
  for (const { id, properties } of resourcesOfType(template, 'AWS::S3::BucketPolicy')) {
    const arn = `arn:aws:s3:::${String(resolve(properties.Bucket ?? null))}`;
    resourcePolicies.set(arn, merge(resourcePolicies, arn, asPolicy(resolve(properties.PolicyDocument ?? null), id)));
  }
  const queueArnByUrl = new Map(
    resourcesOfType(template, 'AWS::SQS::Queue').map(({ id }) => [String(resolve({ Ref: id })), String(resolve({ 'Fn::GetAtt': [id, 'Arn'] }))]),
  );
  for (const { id, properties } of resourcesOfType(template, 'AWS::SQS::QueuePolicy')) {
    for (const url of asList(resolve(properties.Queues ?? null) as Json)) {
      const arn = queueArnByUrl.get(String(url));
      if (arn === undefined) throw new Error(`${id}.Queues: '${String(url)}' is not a queue of this template`);
      resourcePolicies.set(arn, merge(resourcePolicies, arn, asPolicy(resolve(properties.PolicyDocument ?? null), id)));
    }
  }
  return {
    deployment,
    resources,
    workerPrincipal: `arn:aws:sts::${deployment.accountId}:assumed-role/${roleName}/${deployment.stackName}-jobsWorker`,
    identityPolicies,
    resourcePolicies,
  };
};
