import fc from 'fast-check';
import { expect, test } from 'vitest';
import { forEachWithLimit, forEachWithinLimits } from '../../src/batch/forEachWithLimit.js';

test('forEachWithLimit: visits every item once and never exceeds the limit', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(3), { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), async (delays, limit) => {
      let inFlight = 0;
      let peak = 0;
      const seen: number[] = [];
      await forEachWithLimit(
        delays.map((delay, index) => ({ delay, index })),
        limit,
        async ({ delay, index }) => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, delay));
          seen.push(index);
          inFlight--;
        },
      );
      expect(seen.sort((a, b) => a - b)).toEqual(delays.map((_, index) => index));
      expect(peak).toBeLessThanOrEqual(limit);
    }),
    { numRuns: 50 },
  );
});

test('forEachWithinLimits: visits every item once, in order of starting, within both limits (a heavier item only alone)', async () => {
  const item = fc.record({ delay: fc.nat(3), weight: fc.nat(12) });
  await fc.assert(
    fc.asyncProperty(fc.array(item, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 10 }), async (items, count, weight) => {
      let inFlight = 0;
      let weightInFlight = 0;
      const started: number[] = [];
      const finished: number[] = [];
      const limits = { count, weight, weightOf: (entry: { weight: number }) => entry.weight };
      await forEachWithinLimits(
        items.map((entry, index) => ({ ...entry, index })),
        limits,
        async ({ delay, weight: itemWeight, index }) => {
          started.push(index);
          inFlight++;
          weightInFlight += itemWeight;
          expect(inFlight).toBeLessThanOrEqual(count);
          if (inFlight > 1) expect(weightInFlight).toBeLessThanOrEqual(weight);
          await new Promise((resolve) => setTimeout(resolve, delay));
          finished.push(index);
          inFlight--;
          weightInFlight -= itemWeight;
        },
      );
      expect(started).toEqual(items.map((_, index) => index));
      expect(finished.sort((a, b) => a - b)).toEqual(started);
    }),
    { numRuns: 50 },
  );
});

test('forEachWithinLimits: light items all start at once', async () => {
  let peak = 0;
  let inFlight = 0;
  await forEachWithinLimits(
    Array.from({ length: 10 }, () => 1),
    { count: 32, weight: 100, weightOf: (weight) => weight },
    async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    },
  );
  expect(peak).toBe(10);
});

test('forEachWithinLimits: rejects with the first error', async () => {
  await expect(
    forEachWithinLimits([1, 2, 3], { count: 2, weight: 10, weightOf: () => 1 }, async (n) => (n === 2 ? Promise.reject(new Error('two')) : undefined)),
  ).rejects.toThrow('two');
});
