/**
 * Runs one `sls files:*` command (operations/plugin.ts declares them): opens the stage, runs
 * the command with Ctrl-C wired to stop it cleanly (a second Ctrl-C exits at once), and turns
 * the failures users meet first into one line (operations/failures.ts), not a stack trace.
 */
import { interruptListener } from '../../local/interrupts.js';
import { explainFailure } from '../failures.js';
import type { CommandInput } from '../plugin.js';
import { type Stage, openStage } from '../stage.js';
import { parseRate } from '../enqueue.js';
import { backfill, decodeToken, parsePageSize, parsePrefix, parseSince } from './backfill.js';
import { listDlq, parseLimit, purgeDlq, redriveDlq } from './dlq.js';
import { parseVersion, reprocess } from './reprocess.js';
import { EXIT_CODES, describeStatus, statusOf } from './status.js';
import { checkUploadArguments, uploadFiles } from './upload.js';

type Options = Readonly<Record<string, unknown>>;
type Command = (stage: Stage, options: Options, signal: AbortSignal) => Promise<number | undefined>;

const status: Command = async (stage, options, signal) => {
  const key = String(options.key);
  const found = await statusOf(stage, key, { version: options.version === undefined ? undefined : String(options.version) });
  if (signal.aborted) return 130;
  if (options.json === true) console.log(JSON.stringify({ key, ...found }));
  else for (const line of describeStatus(key, found)) console.log(line);
  return EXIT_CODES[found.state];
};

const COMMANDS = {
  upload: (stage, options) => uploadFiles(stage, options),
  status,
  backfill: async (stage, options, signal) => {
    await backfill(stage, options, signal);
    return signal.aborted ? 130 : 0;
  },
  reprocess: async (stage, options, signal) => {
    await reprocess(stage, options, signal);
    return signal.aborted ? 130 : 0;
  },
  dlqList: async (stage, options) => {
    await listDlq(stage, options);
    return 0;
  },
  dlqRedrive: async (stage, options, signal) => ((await redriveDlq(stage, options, signal)) < 0 ? 130 : 0),
  dlqPurge: async (stage, options) => ((await purgeDlq(stage, options)) ? 0 : 1),
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;

/** Bad arguments are reported before anything connects: a typo should not wait for AWS. */
const checkArguments = async (name: CommandName, options: Options): Promise<void> => {
  if (name === 'status' && (typeof options.key !== 'string' || options.key === '')) {
    throw new RangeError('files:status: name a key, e.g. sls files:status incoming/orders/day.csv');
  }
  if (name === 'upload') await checkUploadArguments(options);
  if (name === 'backfill') {
    parsePrefix(options.prefix);
    parseSince(options.since);
    parsePageSize(options['page-size']);
    parseRate(options.rate);
    if (options.continue !== undefined) decodeToken(String(options.continue));
  }
  if (name === 'reprocess') {
    parsePrefix(options.prefix);
    parseVersion(options['below-version']);
    parseRate(options.rate);
  }
  if (name === 'dlqList' && options.all !== true) parseLimit(options.limit);
  if (name === 'dlqRedrive' && options.rate !== undefined) parseRate(options.rate);
};

/** First Ctrl-C: finish the step in flight and stop (resumable commands print where). Second: exit now. */
const interruptible = (): { signal: AbortSignal; dispose: () => void } => {
  const controller = new AbortController();
  const onSigint = interruptListener({
    onFirst: () => {
      console.error('stopping… (Ctrl-C again to exit at once)');
      controller.abort(new Error('interrupted'));
    },
    onSecond: () => process.exit(130),
  });
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
};

export const runCommand = async (name: CommandName, input: CommandInput): Promise<void> => {
  const { signal, dispose } = interruptible();
  let stage: Stage | undefined;
  try {
    await checkArguments(name, input.options);
    stage = await openStage(input);
    process.exitCode = (await COMMANDS[name](stage, input.options, signal)) ?? 0;
  } catch (error: unknown) {
    // One line, not the framework's error box: these are expected failures with a known remedy.
    console.error(`✖ ${explainFailure(error, input, stage?.endpoint ?? (input.stage === 'local' ? String((await input.sdkConfig()).endpoint) : undefined))}`);
    process.exitCode = 1;
  } finally {
    dispose();
  }
};
