/**
 * Serverless plugin: the `sls files:*` commands that operate a deployed stage (any stage, `local`
 * included): upload, status, backfill, reprocess and the DLQ. The commands live in
 * operations/commands/; this file only declares them to the framework.
 *
 * Loaded by Node's own TypeScript type stripping, so it imports no project file at runtime:
 * the command bodies are loaded through tsx (a dev dependency, like the framework) when run.
 */

interface OptionSchema {
  readonly usage: string;
  readonly type: 'string' | 'boolean' | 'multiple';
  readonly shortcut?: string;
}
interface CommandSchema {
  readonly usage: string;
  readonly lifecycleEvents?: readonly string[];
  readonly options?: Record<string, OptionSchema>;
  readonly commands?: Record<string, CommandSchema>;
}
interface Provider {
  getStage(): string;
  getRegion(): string;
  getAwsSdkV3Config(options?: Record<string, unknown>): Promise<Record<string, unknown>>;
  naming: { getStackName(): string };
}
interface Serverless {
  getProvider(name: 'aws'): Provider;
}
/** What a command gets: the stage's AWS settings, its options and the framework's error class. */
export interface CommandInput {
  readonly stage: string;
  readonly region: string;
  readonly stackName: string;
  readonly sdkConfig: () => Promise<Record<string, unknown>>;
  readonly options: Readonly<Record<string, unknown>>;
}
type CommandName = 'upload' | 'status' | 'backfill' | 'reprocess' | 'dlqList' | 'dlqRedrive' | 'dlqPurge';

const json: OptionSchema = { usage: 'One JSON object per line instead of text', type: 'boolean' };
const rate: OptionSchema = { usage: 'Messages per second to enqueue (default 50)', type: 'string' };
const dryRun: OptionSchema = { usage: 'Say what would be enqueued; send nothing', type: 'boolean' };
const prefix: OptionSchema = { usage: 'Only keys under this prefix of the inbox (default: the whole inbox)', type: 'string' };

export const COMMANDS: Record<string, CommandSchema> = {
  'files:upload': {
    usage: 'Upload files to the inbox (multipart, with progress): sls files:upload <paths…> [--to <key prefix>] [--wait]',
    lifecycleEvents: ['run'],
    options: {
      path: { usage: 'A file to upload (the positional arguments)', type: 'multiple' },
      to: { usage: 'Key prefix (ending in /) or full key (one file); default: the route matching the file name', type: 'string' },
      wait: { usage: "Wait for each file's outcome and print it", type: 'boolean' },
      timeout: { usage: 'Seconds to wait with --wait (default 300)', type: 'string' },
    },
  },
  'files:status': {
    usage: 'Where a file is: processed, rejected, in the DLQ, pending or never notified: sls files:status <key> [--version V]',
    lifecycleEvents: ['run'],
    options: {
      key: { usage: 'The upload key (the positional argument)', type: 'string' },
      version: { usage: 'An object version (default: the current one)', type: 'string' },
      json,
    },
  },
  'files:backfill': {
    usage: 'Enqueue the objects already in the inbox that have no manifest for their current version',
    lifecycleEvents: ['run'],
    options: {
      prefix,
      since: { usage: 'Only objects last modified at or after this date (ISO 8601)', type: 'string' },
      rate,
      'dry-run': dryRun,
      continue: { usage: 'Resume from the token a previous run printed', type: 'string' },
      'page-size': { usage: 'Objects per listing request (default 1000, the most S3 returns)', type: 'string' },
    },
  },
  'files:reprocess': {
    usage: 'Run files again whose manifest was written by an older processor version',
    lifecycleEvents: ['run'],
    options: {
      processor: { usage: "Only this processor's manifests", type: 'string' },
      'below-version': { usage: 'Only manifests written by a processor version below this one (default: below the current version)', type: 'string' },
      prefix,
      rate,
      'dry-run': dryRun,
    },
  },
  'files:dlq': {
    usage: 'The dead-letter queue: list, redrive, purge',
    commands: {
      list: {
        usage: 'List DLQ messages (the first --limit, or --all) and leave them as they were',
        lifecycleEvents: ['run'],
        options: { limit: { usage: 'How many messages (default 20)', type: 'string' }, all: { usage: 'Every message, streamed', type: 'boolean' }, json },
      },
      redrive: {
        usage: 'Move every DLQ message back to the queue (SQS message move task, attributes kept)',
        lifecycleEvents: ['run'],
        options: { rate },
      },
      purge: { usage: 'Delete every DLQ message', lifecycleEvents: ['run'], options: { yes: { usage: 'Do not ask for confirmation', type: 'boolean' } } },
    },
  },
};

/** The commands whose positional arguments become options: osls only knows options. */
const POSITIONAL: Readonly<Record<string, string>> = { 'files:upload': 'path', 'files:status': 'key' };

/**
 * Rewrites `files:status <key> …` into `files:status --key <key> …` in place. osls reads the
 * command from every word before the first option, and re-reads `process.argv` after loading
 * plugins, so this runs in the plugin's constructor, before that second read.
 * @example withPositionalOptions(['files:status', 'incoming/a.csv', '--stage', 'local']) // ['files:status', '--key', 'incoming/a.csv', '--stage', 'local']
 */
export const withPositionalOptions = (args: readonly string[]): string[] => {
  const option = POSITIONAL[args[0] ?? ''];
  if (option === undefined) return [...args];
  const firstOption = args.findIndex((arg, index) => index > 0 && arg.startsWith('-'));
  const end = firstOption === -1 ? args.length : firstOption;
  return [args[0] as string, ...args.slice(1, end).flatMap((value) => [`--${option}`, value]), ...args.slice(end)];
};

export default class FilesPlugin {
  readonly commands = COMMANDS;
  readonly hooks: Record<string, () => Promise<void>>;

  private readonly serverless: Serverless;
  private readonly options: Record<string, unknown>;

  constructor(serverless: Serverless, options: Record<string, unknown>) {
    this.serverless = serverless;
    this.options = options;
    process.argv.splice(2, Infinity, ...withPositionalOptions(process.argv.slice(2)));
    const hook = (name: CommandName) => () => this.run(name);
    this.hooks = {
      'files:upload:run': hook('upload'),
      'files:status:run': hook('status'),
      'files:backfill:run': hook('backfill'),
      'files:reprocess:run': hook('reprocess'),
      'files:dlq:list:run': hook('dlqList'),
      'files:dlq:redrive:run': hook('dlqRedrive'),
      'files:dlq:purge:run': hook('dlqPurge'),
    };
  }

  private async run(name: CommandName): Promise<void> {
    const provider = this.serverless.getProvider('aws');
    const { tsImport } = await import('tsx/esm/api');
    const commands = (await tsImport('./commands/index.ts', import.meta.url)) as {
      runCommand(name: CommandName, input: CommandInput): Promise<void>;
    };
    const input: CommandInput = {
      stage: provider.getStage(),
      region: provider.getRegion(),
      stackName: provider.naming.getStackName(),
      sdkConfig: () => provider.getAwsSdkV3Config(),
      options: this.options,
    };
    await commands.runCommand(name, input);
  }
}
