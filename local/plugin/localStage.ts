/**
 * Serverless plugin for the stages listed in `custom.localStage.stages` (default: `local`), the
 * ones that deploy into LocalStack without Docker:
 * - leaves every Lambda resource out of the deployed template — functions, versions, event source
 *   mappings, their log groups and execution role, and anything that references them (e.g. the
 *   `…QualifiedArn` output). Everything else (buckets, queues, policies, notification, alarms) is
 *   exactly what goes to AWS. Why: LocalStack without Docker cannot run Lambda (CreateFunction
 *   leaves the function `Failed`, so the whole stack fails); there the worker runs on the host
 *   instead, under `sls offline`, fed by the local SQS event source (`npm run worker:local`, local/);
 * - so `sls info` (also printed after `sls deploy`) lists no function there;
 * - points the framework's AWS SDK v3 clients at LocalStack, with LocalStack's test credentials.
 *   serverless-localstack only redirects the SDK v2 calls (`provider.request`); Lift 1.37 builds
 *   its own v3 clients from `provider.getAwsSdkV3Config()` (`sls info`, `sls jobs:*`, stack outputs
 *   after a deploy), which otherwise call `cloudformation.<region>.amazonaws.com`.
 *
 * Loaded by Node's own TypeScript type stripping (Node ≥ 22.18 / 23.6), so this file must not
 * import other project files at runtime: only `import type`.
 */

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
interface Resource {
  readonly Type: string;
  readonly DependsOn?: string | readonly string[];
  readonly [key: string]: Json | undefined;
}
export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Json>;
  [key: string]: unknown;
}

/** The resources that need a Lambda runtime; a template without them deploys on LocalStack. */
const LAMBDA_TYPES = new Set([
  'AWS::Lambda::Function',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Permission',
  'AWS::Lambda::Url',
  'AWS::Lambda::EventInvokeConfig',
]);
/** Supporting resources, removed only when a removed function used them and nothing else does. */
const SUPPORT_TYPES = new Set(['AWS::Logs::LogGroup', 'AWS::IAM::Role']);

/** Logical ids that `value` points to through Ref, Fn::GetAtt, Fn::Sub or DependsOn. */
export const referencesOf = (value: Json | undefined, found = new Set<string>()): Set<string> => {
  if (typeof value === 'string' || value === null || typeof value !== 'object') return found;
  if (Array.isArray(value)) {
    for (const item of value as readonly Json[]) referencesOf(item, found);
    return found;
  }
  for (const [key, inner] of Object.entries(value as Record<string, Json>)) {
    if (key === 'Ref' && typeof inner === 'string') found.add(inner);
    else if (key === 'Fn::GetAtt') found.add(typeof inner === 'string' ? (inner.split('.')[0] ?? inner) : String((inner as Json[])[0]));
    else if (key === 'DependsOn') {
      for (const id of [inner].flat()) if (typeof id === 'string') found.add(id);
    } else if (key === 'Fn::Sub') subReferences(inner, found);
    else referencesOf(inner, found);
  }
  return found;
};

/** `${Id}` and `${Id.Attr}` in a Sub string; logical ids are alphanumeric, so `${AWS::Region}` and `${!Literal}` are not. */
const subReferences = (sub: Json, found: Set<string>): void => {
  const [text, variables] = Array.isArray(sub) ? (sub as readonly Json[]) : [sub];
  if (typeof text === 'string') for (const match of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)) found.add(match[1] ?? '');
  referencesOf(variables, found);
};

const referencedByRemaining = (id: string, resources: Record<string, Resource>): boolean =>
  Object.values(resources).some((resource) => referencesOf(resource as Json).has(id));

/**
 * Returns a copy of `template` without Lambda resources and whatever depends on them.
 * @example withoutLambda(packaged).removed // ['JobsWorkerLambdaFunction', 'JobsWorkerLogGroup', …]
 */
export const withoutLambda = (template: Template): { template: Template; removed: string[] } => {
  const resources = { ...template.Resources };
  const outputs = { ...template.Outputs };
  const removed: string[] = [];
  const remove = (id: string) => {
    delete resources[id];
    removed.push(id);
  };
  const lambdaIds = Object.entries(resources)
    .filter(([, resource]) => LAMBDA_TYPES.has(resource.Type))
    .map(([id]) => id);
  const usedByLambda = new Set(lambdaIds.flatMap((id) => [...referencesOf(resources[id] as Json)]));
  lambdaIds.forEach(remove);
  for (const id of usedByLambda) {
    const type = resources[id]?.Type;
    if (type !== undefined && SUPPORT_TYPES.has(type) && !referencedByRemaining(id, resources)) remove(id);
  }
  removeDependents(resources, removed, remove);
  for (const [id, output] of Object.entries(outputs)) {
    if ([...referencesOf(output)].some((ref) => removed.includes(ref))) delete outputs[id];
  }
  return { template: { ...template, Resources: resources, Outputs: outputs }, removed };
};

/** Anything left that still points at a removed resource would fail validation: remove it too. */
const removeDependents = (resources: Record<string, Resource>, removed: string[], remove: (id: string) => void) => {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, resource] of Object.entries(resources)) {
      if ([...referencesOf(resource as Json)].some((ref) => removed.includes(ref))) {
        remove(id);
        changed = true;
      }
    }
  }
};

/** LocalStack accepts any credentials; these are the ones its documentation uses. */
export const LOCALSTACK_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const DEFAULT_LOCALSTACK_ENDPOINT = 'http://127.0.0.1:4566';

/**
 * Where the SDK v3 clients go on a local stage: `AWS_ENDPOINT_URL` when set (serverless-localstack
 * gives it the same precedence, so both SDKs reach the same LocalStack), else the configured one.
 */
export const localStackEndpoint = (configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string =>
  env.AWS_ENDPOINT_URL || configured || DEFAULT_LOCALSTACK_ENDPOINT;

interface SdkV3Options {
  credentials?: unknown;
  [key: string]: unknown;
}
interface AwsProvider {
  getStage(): string;
  getAwsSdkV3Config?: (options?: SdkV3Options) => Promise<Record<string, unknown>>;
}
interface EsbuildPlugin {
  disposeContexts?: () => Promise<void>;
}
interface AwsInfoPlugin {
  gatheredData?: { info?: { functions?: { name: string }[] } };
}
interface LocalStageConfig {
  stages?: string[];
  /** LocalStack's endpoint for the SDK v3 clients (default http://127.0.0.1:4566). */
  endpoint?: string;
}
interface Serverless {
  pluginManager: { plugins: readonly (EsbuildPlugin & AwsInfoPlugin & object)[] };
  service: { provider: { compiledCloudFormationTemplate: Template }; custom?: { localStage?: LocalStageConfig } };
  getProvider(name: 'aws'): AwsProvider;
  addServiceOutputSection?: (section: string, content: string | string[]) => void;
}
interface PluginUtils {
  log: { notice(message: string): void; verbose(message: string): void };
}

export default class LocalStagePlugin {
  readonly hooks: Record<string, () => void | Promise<void>>;

  constructor(serverless: Serverless, _options: unknown, { log }: PluginUtils) {
    this.useLocalStackForSdkV3(serverless);
    this.hooks = {
      // After Lift (after:package:compileEvents) has added the worker and osls has merged
      // `resources` (so a resource of ours that references the function goes too), before the
      // template is validated and saved.
      'before:aws:package:finalize:saveServiceState': () => this.stripLambda(serverless, log),
      'after:package:createDeploymentArtifacts': () => this.disposeEsbuild(serverless),
      'after:aws:info:gatherData': () => this.listNoFunctions(serverless),
    };
  }

  private isLocal(serverless: Serverless): boolean {
    const stages = serverless.service.custom?.localStage?.stages ?? ['local'];
    return stages.includes(serverless.getProvider('aws').getStage());
  }

  /**
   * Wraps `provider.getAwsSdkV3Config()` (what Lift builds its clients from) so that on these
   * stages every client gets LocalStack's endpoint and test credentials: nothing has to be
   * exported by hand, and your own AWS credentials are never used (nor sent anywhere) on them.
   * Decided per call, as the stage is only final once the configuration is resolved.
   */
  private useLocalStackForSdkV3(serverless: Serverless): void {
    const provider = serverless.getProvider('aws');
    const original = provider.getAwsSdkV3Config?.bind(provider);
    if (original === undefined) return;
    provider.getAwsSdkV3Config = async (options = {}) => {
      if (!this.isLocal(serverless)) return original(options);
      const config = await original({ ...options, credentials: LOCALSTACK_CREDENTIALS });
      return { ...config, endpoint: localStackEndpoint(serverless.service.custom?.localStage?.endpoint) };
    };
  }

  private stripLambda(serverless: Serverless, log: PluginUtils['log']): void {
    if (!this.isLocal(serverless)) return;
    const stage = serverless.getProvider('aws').getStage();
    const { provider } = serverless.service;
    const { template, removed } = withoutLambda(provider.compiledCloudFormationTemplate);
    provider.compiledCloudFormationTemplate = template;
    log.notice(`local-stage: stage '${stage}' deploys without Lambda (run the worker with 'npm run worker:local')`);
    log.verbose(`local-stage: left out ${removed.join(', ')}`);
  }

  /** `sls info` lists the service's functions as deployed; on these stages none is. */
  private listNoFunctions(serverless: Serverless): void {
    if (!this.isLocal(serverless)) return;
    const info = serverless.pluginManager.plugins.find((plugin) => plugin.constructor.name === 'AwsInfo')?.gatheredData?.info;
    if (info?.functions === undefined || info.functions.length === 0) return;
    const names = info.functions.map((fn) => fn.name);
    info.functions = [];
    serverless.addServiceOutputSection?.(
      'local worker',
      names.map((name) => `${name}: not deployed here, runs on the host under sls offline (npm run worker:local)`),
    );
  }

  /**
   * serverless-localstack 1.4.0 replaces serverless-esbuild's `after:package:createDeploymentArtifacts`
   * hook with one that skips `disposeContexts()`: the esbuild service keeps `sls package|deploy`
   * alive forever after "Service packaged". Dispose the contexts ourselves on those stages.
   */
  private async disposeEsbuild(serverless: Serverless): Promise<void> {
    if (!this.isLocal(serverless)) return;
    for (const plugin of serverless.pluginManager.plugins) await plugin.disposeContexts?.();
  }
}
