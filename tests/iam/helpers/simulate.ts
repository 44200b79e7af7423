/**
 * Decides requests against a stage's policies with @cloud-copilot/iam-simulate: identity
 * policies of the caller plus the resource policy of the bucket or queue, as AWS evaluates them.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from './iamRequests.js';
import type { Policy, PolicyStatement, StagePolicies } from './stagePolicies.js';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Caller {
  readonly principal: string;
  readonly identityPolicies: readonly { readonly name: string; readonly policy: Policy }[];
}

/** The worker's execution role session. */
export const workerCaller = (stage: StagePolicies): Caller => ({ principal: stage.workerPrincipal, identityPolicies: stage.identityPolicies });

/** The bucket or queue ARN whose resource policy applies to `resource`. */
const protectedArn = (resource: string): string => (resource.startsWith('arn:aws:s3:::') ? (resource.split('/')[0] ?? resource) : resource);

/**
 * `resourcePolicy`: by default the stage's policy of the bucket or queue; `null` for none.
 * @example await decide(stage, workerCaller(stage), { action: 's3:GetObject', resource, context: {}, because: '' }) // 'Allowed'
 */
export const decide = async (stage: StagePolicies, caller: Caller, request: IamRequest, resourcePolicy?: Policy | null): Promise<Decision> => {
  const response = await runSimulation(
    {
      request: {
        principal: caller.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: stage.deployment.accountId },
        contextVariables: { ...request.context },
      },
      identityPolicies: caller.identityPolicies.map(({ name, policy }) => ({ name, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicy === undefined ? stage.resourcePolicies.get(protectedArn(request.resource)) : (resourcePolicy ?? undefined),
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`simulating ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
};

/** One Allow grant of an identity policy: a single action on a single resource, with its conditions. */
export interface Grant {
  readonly sid: string;
  readonly action: string;
  readonly resource: string;
  readonly statement: PolicyStatement;
}

const list = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? (value as readonly T[]) : [value as T]);

export const grantsOf = (stage: StagePolicies): Grant[] =>
  stage.identityPolicies.flatMap(({ policy }) =>
    policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement, index) =>
      list(statement.Action).flatMap((action) =>
        list(statement.Resource).map((resource) => ({
          sid: statement.Sid ?? `statement ${index}`,
          action,
          resource,
          statement: { ...statement, Action: action, Resource: resource },
        })),
      ),
    ),
  );

/** True when `grant` alone (no resource policy) allows one of `requests`. */
export const isUsed = async (stage: StagePolicies, grant: Grant, requests: readonly IamRequest[]): Promise<boolean> => {
  const caller: Caller = {
    principal: stage.workerPrincipal,
    identityPolicies: [{ name: 'grant', policy: { Version: '2012-10-17', Statement: [grant.statement] } }],
  };
  for (const request of requests) {
    if (request.action.toLowerCase() !== grant.action.toLowerCase()) continue;
    if ((await decide(stage, caller, request, null)) === 'Allowed') return true;
  }
  return false;
};
