/**
 * Keeps the batch inside Lambda's timeout: no new object starts once fewer than
 * `startMarginMs` remain, and in-flight streams are aborted `abortMarginMs` before the
 * timeout, so the handler still returns and unfinished messages are retried, not lost.
 * Unset margins scale down with short timeouts (at most 20% and 10% of the time given).
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
const shares = { startMarginMs: 0.2, abortMarginMs: 0.1 } as const;

type BatchRequest = Request<SQSEvent, SQSBatchResponse, Error, BatchContext>;

export const timeBudget = (options: TimeBudgetOptions = {}): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const timers = new WeakMap<BatchRequest, NodeJS.Timeout>();

  const timeBudgetBefore = (request: BatchRequest): void => {
    const { context } = request;
    const controller = new AbortController();
    const remainingMs = () => context.getRemainingTimeInMillis();
    const givenMs = remainingMs();
    const startMarginMs = options.startMarginMs ?? Math.min(defaults.startMarginMs, givenMs * shares.startMarginMs);
    const abortMarginMs = options.abortMarginMs ?? Math.min(defaults.abortMarginMs, givenMs * shares.abortMarginMs);
    const abortInMs = Math.max(0, givenMs - abortMarginMs);
    const timer = setTimeout(() => controller.abort(new TransientError(`time budget: aborted ${abortMarginMs} ms before the Lambda timeout`)), abortInMs);
    timers.set(request, timer.unref());
    context.signal = controller.signal;
    context.deadline = Date.now() + abortInMs;
    context.mayStart = () => !controller.signal.aborted && remainingMs() > startMarginMs;
  };
  const timeBudgetAfter = (request: BatchRequest): void => {
    clearTimeout(timers.get(request));
  };
  return { before: timeBudgetBefore, after: timeBudgetAfter, onError: timeBudgetAfter };
};
