import { type Stage, parseStage } from '../src/config/settings.js';

/**
 * The stage the Serverless CLI was called with. `serverless.ts` is evaluated before the
 * framework resolves `${sls:stage}`, and the settings (and their validation) depend on it.
 */
export const stageFromArgv = (argv: readonly string[] = process.argv): Stage => {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--stage' || arg === '-s') return parseStage(argv[index + 1]);
    if (arg.startsWith('--stage=')) return parseStage(arg.slice('--stage='.length));
  }
  return parseStage(process.env.SLS_STAGE);
};
