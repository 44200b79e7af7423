import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { TransientError } from '../../src/errors.js';
import { type TimeBudgetOptions, timeBudget } from '../../src/middleware/timeBudget.js';
import { batchContext, batchRequest, sqsEvent } from '../helpers/events.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the middleware's `before` on an invocation with `givenMs` left; the clock is Vitest's. */
const start = (givenMs: number, options?: TimeBudgetOptions) => {
  const deadline = Date.now() + givenMs;
  const middleware = timeBudget(options);
  const request = batchRequest(
    sqsEvent(),
    batchContext(() => deadline - Date.now()),
  );
  middleware.before?.(request);
  return { context: request.context, end: () => middleware.after?.(request), fail: () => middleware.onError?.(request) };
};

describe('timeBudget', () => {
  test.each([
    { name: 'defaults, long timeout', givenMs: 60_000, options: undefined, startMarginMs: 5_000, abortMarginMs: 1_500 },
    { name: 'defaults scaled to a 1 s timeout (20% and 10%)', givenMs: 1_000, options: undefined, startMarginMs: 200, abortMarginMs: 100 },
    { name: 'margins given', givenMs: 10_000, options: { startMarginMs: 3_000, abortMarginMs: 400 }, startMarginMs: 3_000, abortMarginMs: 400 },
    { name: 'one margin given, the other scaled', givenMs: 2_000, options: { startMarginMs: 1_000 }, startMarginMs: 1_000, abortMarginMs: 200 },
  ])(
    '$name: starts objects until $startMarginMs ms are left, aborts $abortMarginMs ms before the timeout',
    ({ givenMs, options, startMarginMs, abortMarginMs }) => {
      const { context } = start(givenMs, options);
      vi.advanceTimersByTime(givenMs - startMarginMs - 1);
      expect(context.mayStart()).toBe(true);
      vi.advanceTimersByTime(1);
      expect(context.mayStart()).toBe(false);
      vi.advanceTimersByTime(startMarginMs - abortMarginMs - 1);
      expect(context.signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(context.signal.aborted).toBe(true);
      expect(context.signal.reason).toEqual(new TransientError(`time budget: aborted ${abortMarginMs} ms before the Lambda timeout`));
    },
  );

  test('the deadline in the context is when the signal aborts', () => {
    const { context } = start(10_000, { abortMarginMs: 400 });
    expect(context.deadline).toBe(Date.now() + 9_600);
    vi.advanceTimersByTime(9_599);
    expect(context.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(context.signal.aborted).toBe(true);
  });

  test('once aborted, no object starts, whatever time is left', () => {
    const { context } = start(10_000, { startMarginMs: 0, abortMarginMs: 5_000 });
    vi.advanceTimersByTime(5_000);
    expect(context.signal.aborted).toBe(true);
    expect(context.mayStart()).toBe(false);
  });

  test.each(['end', 'fail'] as const)('the abort timer is cleared when the invocation ends (%s)', (how) => {
    const budget = start(1_000);
    budget[how]();
    vi.advanceTimersByTime(1_000);
    expect(budget.context.signal.aborted).toBe(false);
  });

  test('each invocation gets its own signal and timer', () => {
    const first = start(1_000);
    const second = start(5_000);
    first.end();
    vi.advanceTimersByTime(4_600);
    expect(first.context.signal.aborted).toBe(false);
    expect(second.context.signal.aborted).toBe(true);
  });
});
