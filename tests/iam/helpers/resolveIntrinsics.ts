/**
 * Resolves the CloudFormation intrinsics a packaged template uses in its policies (`Ref`,
 * `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`) to the concrete names and
 * ARNs CloudFormation would give them in one account and region, so IAM policies can be
 * simulated as AWS would evaluate them. Anything it cannot resolve throws, naming the path.
 */
import type { CfnTemplate, Json } from '../../helpers/template.js';
import { isObject } from '../../helpers/template.js';

export interface Deployment {
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly partition?: string;
}

type Resolved = string | number | boolean | null | Resolved[] | { [key: string]: Resolved };

const pseudo = (deployment: Deployment): Record<string, string> => ({
  'AWS::AccountId': deployment.accountId,
  'AWS::Region': deployment.region,
  'AWS::StackName': deployment.stackName,
  'AWS::Partition': deployment.partition ?? 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
});

/** What `Ref` and `Fn::GetAtt` return for the resource types our policies point at. */
const attributes = (
  template: CfnTemplate,
  deployment: Deployment,
  id: string,
  resolveValue: (value: Json, at: string) => Resolved,
): Readonly<Record<string, string>> => {
  const resource = template.Resources[id];
  if (resource === undefined) throw new Error(`${id}: no such resource`);
  const { accountId, region } = deployment;
  const partition = deployment.partition ?? 'aws';
  /** The name property, or the kind of name CloudFormation generates when it is not set. */
  const property = (name: string): string => {
    const value = resource.Properties?.[name];
    return value === undefined ? `${deployment.stackName}-${id}-generated`.toLowerCase() : String(resolveValue(value, `${id}.Properties.${name}`));
  };
  switch (resource.Type) {
    case 'AWS::S3::Bucket': {
      const name = property('BucketName');
      return { Ref: name, Arn: `arn:${partition}:s3:::${name}` };
    }
    case 'AWS::SQS::Queue': {
      const name = property('QueueName');
      return { Ref: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`, Arn: `arn:${partition}:sqs:${region}:${accountId}:${name}`, QueueName: name };
    }
    case 'AWS::IAM::Role': {
      const name = property('RoleName');
      return { Ref: name, Arn: `arn:${partition}:iam::${accountId}:role/${name}` };
    }
    case 'AWS::SNS::Topic':
      return { Ref: `arn:${partition}:sns:${region}:${accountId}:${id}`, TopicName: id };
    case 'AWS::Lambda::Function':
      return { Ref: id, Arn: `arn:${partition}:lambda:${region}:${accountId}:function:${id}` };
    default:
      return { Ref: id };
  }
};

/**
 * @example resolveIntrinsics(template, { accountId: '123456789012', region: 'eu-west-1', stackName: 'file-processor-dev' }, policy)
 */
export const resolveIntrinsics = (template: CfnTemplate, deployment: Deployment, value: Json): Resolved => {
  const pseudoParameters = pseudo(deployment);
  const attribute = (id: string, name: string, at: string): Resolved => {
    const found = attributes(template, deployment, id, resolve)[name];
    if (found === undefined) throw new Error(`${at}: ${name} of ${id} (${template.Resources[id]?.Type}) is not resolvable here`);
    return found;
  };
  const substitute = (text: string, variables: Record<string, Resolved>, at: string): string =>
    text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return String(variables[name]);
      if (name in pseudoParameters) return pseudoParameters[name] as string;
      const [id = '', attr] = name.split('.');
      return String(attr === undefined ? attribute(id, 'Ref', at) : attribute(id, attr, at));
    });
  const resolve = (node: Json, at: string): Resolved => {
    if (Array.isArray(node)) return node.map((item: Json, index: number) => resolve(item, `${at}[${index}]`));
    if (!isObject(node)) return node as Resolved;
    const keys = Object.keys(node);
    const [key] = keys;
    const argument = key === undefined ? undefined : node[key];
    if (keys.length === 1 && key !== undefined && argument !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      const args = resolve(argument, `${at}.${key}`);
      switch (key) {
        case 'Ref':
          return typeof args === 'string' && args in pseudoParameters ? (pseudoParameters[args] as string) : attribute(String(args), 'Ref', at);
        case 'Fn::GetAtt': {
          const [id, name] = Array.isArray(args) ? args : String(args).split('.');
          return attribute(String(id), String(name), at);
        }
        case 'Fn::Sub':
          return Array.isArray(args) ? substitute(String(args[0]), (args[1] ?? {}) as Record<string, Resolved>, at) : substitute(String(args), {}, at);
        case 'Fn::Join':
          return ((args as Resolved[])[1] as Resolved[]).map(String).join(String((args as Resolved[])[0]));
        case 'Fn::Select':
          return ((args as Resolved[])[1] as Resolved[])[Number((args as Resolved[])[0])] ?? null;
        case 'Fn::Split':
          return String((args as Resolved[])[1]).split(String((args as Resolved[])[0]));
        default:
          throw new Error(`${at}: ${key} is not supported by resolveIntrinsics`);
      }
    }
    return Object.fromEntries(Object.entries(node).map(([name, child]) => [name, resolve(child, `${at}.${name}`)]));
  };
  return resolve(value, '$');
};
