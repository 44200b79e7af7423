/**
 * An invoker that calls a handler in this process, for the integration tests and the e2e
 * benchmark: they inject processors and record the worker's AWS calls, which a function run by
 * serverless-offline cannot do. The local loop itself (npm start, demo, worker:local) invokes the
 * declared function through serverless-offline instead (local/offlineLambda.ts).
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { InvokeFunction } from './sqsEventSource.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

export interface FunctionIdentity {
  readonly functionName: string;
  readonly memoryLimitInMB: number;
  readonly region: string;
  readonly accountId: string;
}

/**
 * Adapts a handler whose declared context is wider than Lambda's (Middy handlers typed with the
 * context their middleware adds): Lambda calls it with a plain Context, and so do we.
 */
export const asLambdaHandler =
  <C extends Context>(handler: (event: SQSEvent, context: C) => Promise<unknown>): SqsHandler =>
  (event, context) =>
    handler(event, context as C);

/** A Lambda-like context whose remaining time counts down to `deadline`. */
export const lambdaContext = (fn: FunctionIdentity, deadline: number): Context => {
  const unsupported = () => {
    throw new Error('context.done/fail/succeed: not supported, return a value or throw');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
};

class InvocationTimeout extends Error {
  constructor(seconds: number) {
    super(`in-process invocation timed out after ${seconds} s, the whole batch fails`);
    this.name = 'InvocationTimeout';
  }
}

/**
 * Calls `handler` with a Lambda-like context; past `timeoutSeconds` the invocation fails (the
 * handler itself is not stopped: a process cannot kill one of its own promises).
 * @example startEventSource({ ...options, invoke: invokeInProcess(handler, fn, 5) })
 */
export const invokeInProcess =
  (handler: SqsHandler, fn: FunctionIdentity, timeoutSeconds: number): InvokeFunction =>
  async (event) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new InvocationTimeout(timeoutSeconds)), timeoutSeconds * 1000);
    });
    try {
      return await Promise.race([handler(event, lambdaContext(fn, Date.now() + timeoutSeconds * 1000)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
