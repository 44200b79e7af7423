import fc from 'fast-check';
import { expect, test } from 'vitest';
import { forEachWithLimit } from '../../src/batch/forEachWithLimit.js';

test('visits every item once and never exceeds the limit', async () => {
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
