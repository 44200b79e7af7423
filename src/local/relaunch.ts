/**
 * V8 flags (the Lambda's `--max-semi-space-size`) only apply when a process starts, so a local
 * command that runs the worker starts itself again with the Lambda's NODE_OPTIONS when they are
 * missing. Ctrl-C reaches both processes (one process group): the child finishes its work, the
 * parent waits for it and exits with its code.
 */
import { spawn } from 'node:child_process';

/** @example await relaunchWithNodeOptions(LAMBDA_NODE_OPTIONS) // first line of a script */
export const relaunchWithNodeOptions = async (options: string): Promise<void> => {
  const current = process.env.NODE_OPTIONS ?? '';
  if (current.includes(options)) return;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: `${current} ${options}`.trim() },
  });
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise<number>((resolve) => child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 0 : 1))));
  process.exit(code);
};
