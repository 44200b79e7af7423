/**
 * Serverless plugin: before the first deploy of a stack, checks that none of its retained
 * buckets (`DeletionPolicy: Retain`, with a deterministic name) already exists. `sls remove`
 * keeps the upload and results buckets on purpose (they hold data); without this check the
 * next deploy of the same stage fails deep inside CloudFormation ("already exists") and rolls
 * back. With it, the deploy stops before anything changes and says what to do.
 *
 * Loaded by Node's own TypeScript type stripping: no runtime imports of project files.
 */

interface Resource {
  readonly Type: string;
  readonly DeletionPolicy?: string;
  readonly Properties?: { readonly BucketName?: unknown };
}
interface Provider {
  getStage(): string;
  getRegion(): string;
  getAccountId(): Promise<string>;
  naming: { getStackName(): string };
  request(service: string, method: string, params: Record<string, unknown>): Promise<unknown>;
}
interface Serverless {
  service: { provider: { compiledCloudFormationTemplate: { Resources: Record<string, Resource> } } };
  getProvider(name: 'aws'): Provider;
  classes: { Error: new (message: string) => Error };
}
interface PluginUtils {
  log: { verbose(message: string): void };
}

/** The names of retained buckets whose `Fn::Sub` name uses only pseudo parameters. */
export const retainedBucketNames = (resources: Record<string, Resource>, values: Readonly<Record<string, string>>): string[] =>
  Object.values(resources).flatMap((resource) => {
    const name = resource.Properties?.BucketName;
    if (resource.Type !== 'AWS::S3::Bucket' || resource.DeletionPolicy !== 'Retain') return [];
    const text = typeof name === 'string' ? name : (name as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub'];
    if (typeof text !== 'string') return [];
    const resolved = text.replace(/\$\{(AWS::[A-Za-z]+)\}/g, (whole, parameter: string) => values[parameter] ?? whole);
    return resolved.includes('${') ? [] : [resolved];
  });

/** The HTTP status of a failed `provider.request` (osls keeps the SDK error as `providerError`). */
const statusOf = (error: unknown): number | undefined => (error as { providerError?: { statusCode?: number } }).providerError?.statusCode;

/** What to tell the user when `existing` buckets block a first deploy of `stackName`. */
export const blockedMessage = (stackName: string, existing: readonly string[]): string =>
  `Stack ${stackName} does not exist but its retained bucket${existing.length > 1 ? 's' : ''} ${existing.join(', ')} ` +
  `${existing.length > 1 ? 'do' : 'does'} (kept by an earlier 'sls remove', with their data). ` +
  `Save what you need, delete ${existing.length > 1 ? 'them' : 'it'} (aws s3 rb s3://<name> --force, versions included), then deploy again; ` +
  `or deploy under another --stage. See README, 'Removing a stage'.`;

export default class RetainedBucketsPlugin {
  readonly hooks: Record<string, () => Promise<void>>;

  constructor(serverless: Serverless, _options: unknown, { log }: PluginUtils) {
    this.hooks = { 'before:deploy:deploy': () => this.check(serverless, log) };
  }

  private async check(serverless: Serverless, log: PluginUtils['log']): Promise<void> {
    const provider = serverless.getProvider('aws');
    const stackName = provider.naming.getStackName();
    try {
      await provider.request('CloudFormation', 'describeStacks', { StackName: stackName });
      return; // An update: the retained buckets belong to this stack.
    } catch (error: unknown) {
      if (!/does not exist/.test((error as Error).message)) throw error;
    }
    const values = {
      'AWS::StackName': stackName,
      'AWS::Region': provider.getRegion(),
      'AWS::AccountId': await provider.getAccountId(),
      'AWS::Partition': 'aws',
    };
    const names = retainedBucketNames(serverless.service.provider.compiledCloudFormationTemplate.Resources, values);
    const existing: string[] = [];
    for (const name of names) {
      try {
        await provider.request('S3', 'headBucket', { Bucket: name });
        existing.push(name);
      } catch (error: unknown) {
        // 403: the name is taken by another account; 404: free.
        if (statusOf(error) === 403) existing.push(name);
        else if (statusOf(error) !== 404) log.verbose(`retained-buckets: could not check ${name}: ${(error as Error).message}`);
      }
    }
    if (existing.length > 0) throw new serverless.classes.Error(blockedMessage(stackName, existing));
  }
}
