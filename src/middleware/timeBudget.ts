/**
 * Keeps the batch inside Lambda's timeout: no new object starts once fewer than
 * `startMarginMs` remain, and in-flight streams are aborted `abortMarginMs` before the
 * timeout, so the handler still returns and unfinished messages are retried, not lost.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { BatchContext } from '../batch/types.js';
import { TransientError } from '../errors.js';

export interface TimeBudgetOptions {
  readonly startMarginMs?: number;
  readonly abortMarginMs?: number;
}

const defaults = { startMarginMs: 5_000, abortMarginMs: 1_500 } as const;

type BatchRequest = Request<SQSEvent, SQSBatchResponse, Error, BatchContext>;

export const timeBudget = (options: TimeBudgetOptions = {}): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const { startMarginMs, abortMarginMs } = { ...defaults, ...options };
  const timers = new WeakMap<BatchRequest, NodeJS.Timeout>();

  const timeBudgetBefore = (request: BatchRequest): void => {
    const { context } = request;
    const controller = new AbortController();
    const remainingMs = () => context.getRemainingTimeInMillis();
    const timer = setTimeout(
      () => controller.abort(new TransientError(`time budget: aborted ${abortMarginMs} ms before the Lambda timeout`)),
      Math.max(0, remainingMs() - abortMarginMs),
    );
    timers.set(request, timer.unref());
    context.signal = controller.signal;
    context.mayStart = () => !controller.signal.aborted && remainingMs() > startMarginMs;
  };
  const timeBudgetAfter = (request: BatchRequest): void => {
    clearTimeout(timers.get(request));
  };
  return { before: timeBudgetBefore, after: timeBudgetAfter, onError: timeBudgetAfter };
};
