/**
 * The worker function as serverless.ts declares it, run by serverless-offline: `sls offline start
 * --stage local` bundles it with serverless-esbuild and serves Lambda's Invoke API; every
 * invocation gets the declared handler, timeout, memory and environment, in a worker thread of
 * its own per concurrent invocation. Measurements and limits: docs/local-development.md.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSEvent } from 'aws-lambda';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InvokeFunction } from './eventSource/sqsEventSource.js';

/** What serverless-offline answers when an invocation outlives the function's timeout. */
export const OFFLINE_TIMEOUT_MESSAGE = '[504] - Lambda timeout.';

/** The invocation failed in the function (Lambda's `FunctionError`): it threw, or timed out. */
export class FunctionError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

export const isOfflineTimeout = (error: unknown): boolean => error instanceof FunctionError && error.message === OFFLINE_TIMEOUT_MESSAGE;

/**
 * Invokes `functionName` through a Lambda Invoke API: resolves with its response, rejects with a
 * FunctionError when the function failed. One attempt only: a retried Invoke runs the batch twice.
 */
export const invokeThroughLambdaApi =
  (lambda: LambdaClient, functionName: string): InvokeFunction =>
  async (event: SQSEvent) => {
    const { FunctionError: failure, Payload } = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(event) }));
    const text = Payload === undefined ? '' : Buffer.from(Payload).toString('utf8');
    const response: unknown = text === '' ? undefined : JSON.parse(text);
    if (failure === undefined) return response;
    const { errorMessage = text, errorType = failure } = (response ?? {}) as { errorMessage?: string; errorType?: string };
    throw new FunctionError(errorMessage, errorType);
  };

/**
 * Lambda discards an execution environment whose invocation timed out; serverless-offline 13
 * keeps it, with its worker thread terminated, so every later invocation it gets times out too
 * (serverless-offline#1896, fixed only in 14, which needs Serverless v4). So after a timeout the
 * environments are replaced (`replace`) once the invocations in flight have finished; new
 * invocations wait for that.
 */
export const replacingTimedOut = (invoke: InvokeFunction, replace: () => Promise<void>): InvokeFunction => {
  let inFlight = 0;
  let settled: (() => void) | undefined;
  let replacing: Promise<void> | undefined;
  const allSettled = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (settled = resolve)));
  const startReplacing = () => {
    replacing ??= (async () => {
      await allSettled();
      // A replacement that fails is reported by `replace` itself; the invocations go on and fail.
      await replace().catch(() => undefined);
    })().finally(() => (replacing = undefined));
  };
  return async (event) => {
    while (replacing !== undefined) await replacing;
    inFlight += 1;
    try {
      return await invoke(event);
    } catch (error: unknown) {
      if (isOfflineTimeout(error)) startReplacing();
      throw error;
    } finally {
      inFlight -= 1;
      if (inFlight === 0) settled?.();
    }
  };
};

export interface OfflineOptions {
  readonly stage: string;
  readonly region: string;
  /** serverless-offline's Lambda API port (serverless.ts: OFFLINE_LAMBDA_PORT, default 3002). */
  readonly port: number;
  /** The function's NODE_OPTIONS: V8 flags reach a worker thread only from its process's start. */
  readonly nodeOptions: string;
  /** `sls offline`'s output (including the function's logs): this terminal, or a file. */
  readonly output: 'inherit' | { readonly file: string };
  /** The service whose serverless config declares the function (default: this project). */
  readonly serviceDir?: string;
  /** Called when `sls offline` is gone without being asked to stop: it exited, or a restart failed. */
  readonly onGone?: (reason: string) => void;
}

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
/** The framework's CLI, run with this Node (24): its process is the one that serves the API. */
const SLS = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 10_000;

/** `sls offline start` as a child process: started, invoked, replaced after a timeout, stopped. */
export class OfflineLambda {
  readonly invoke: InvokeFunction;
  #child: ChildProcess | undefined;
  /** Set by `stop()`: a replacement in progress then starts nothing. */
  #stopped = false;
  readonly #options: OfflineOptions;
  readonly #killOnExit = () => this.#signal('SIGKILL');

  private constructor(options: OfflineOptions, functionName: string) {
    this.#options = options;
    const lambda = new LambdaClient({
      endpoint: this.endpoint,
      region: options.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    this.invoke = replacingTimedOut(invokeThroughLambdaApi(lambda, functionName), () => this.#restart());
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.#options.port}`;
  }

  /** @example const offline = await OfflineLambda.start(options, 'file-processor-local-jobsWorker') */
  static async start(options: OfflineOptions, functionName: string): Promise<OfflineLambda> {
    const offline = new OfflineLambda(options, functionName);
    await offline.#start();
    return offline;
  }

  async #start(): Promise<void> {
    const { stage, port, nodeOptions, output, serviceDir = PROJECT_ROOT } = this.#options;
    const fd = output === 'inherit' ? 'inherit' : openSync(output.file, 'a');
    // Its own process group: Ctrl-C in the terminal stops the event source, which lets the batches
    // in flight finish and then stops this; the group also takes esbuild's service down with it.
    const child = spawn(process.execPath, [SLS, 'offline', 'start', '--stage', stage, '--host', '127.0.0.1', '--lambdaPort', String(port), '--noSponsor'], {
      cwd: serviceDir,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, NODE_OPTIONS: nodeOptions, SLS_TELEMETRY_DISABLED: '1' },
      detached: true,
    });
    if (typeof fd === 'number') closeSync(fd);
    this.#child = child;
    process.on('exit', this.#killOnExit);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    void exited.then((code) => {
      if (this.#child === child) {
        this.#child = undefined;
        if (!this.#stopped) this.#options.onGone?.(`sls offline exited with ${code}`);
      }
    });
    const where = output === 'inherit' ? 'its output above' : output.file;
    const ready = await Promise.race([this.#answers(READY_TIMEOUT_MS), exited.then(() => false)]);
    if (!ready) {
      await this.#halt();
      throw new Error(`sls offline start --stage ${stage}: no Lambda API on port ${port} (see ${where})`);
    }
  }

  /** True once anything answers HTTP on the port (serverless-offline's hapi server). */
  async #answers(timeoutMs: number): Promise<boolean> {
    for (const end = Date.now() + timeoutMs; Date.now() < end && this.#child !== undefined; await sleep(250)) {
      try {
        await fetch(this.endpoint, { signal: AbortSignal.timeout(1000) });
        return true;
      } catch {
        // not listening yet
      }
    }
    return false;
  }

  async #restart(): Promise<void> {
    try {
      await this.#halt();
      if (!this.#stopped) await this.#start();
    } catch (error: unknown) {
      if (!this.#stopped) this.#options.onGone?.(`restarting sls offline after a timeout failed: ${String(error)}`);
      throw error;
    }
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }

  /** Stops `sls offline` for good, also if a replacement is under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#halt();
  }

  /** Stops the running `sls offline` (SIGINT: it halts its servers and exits), killing it if it does not. */
  async #halt(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    process.off('exit', this.#killOnExit);
    const exited = new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined)));
    const pid = child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGINT');
      } catch {
        return;
      }
      const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false, { ref: false })]);
      if (!stopped) process.kill(-pid, 'SIGKILL');
    }
    await exited;
  }
}
