import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { writeInteger, writeThousandths } from '../../../src/processors/accessLogs/asciiBytes.js';
import { AsciiStringCache } from '../../../src/processors/accessLogs/asciiStringCache.js';
import { TimeRange } from '../../../src/processors/accessLogs/timeRange.js';

const written = (write: (value: number, to: Uint8Array, at: number) => number, value: number): string => {
  const out = Buffer.alloc(40, 0x7e);
  const end = write(value, out, 3);
  return out.toString('latin1', 3, end);
};

describe('numbers written as bytes', () => {
  test('writeInteger writes String(value)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeInteger().map(Math.abs), fc.constantFrom(10 ** 14, 10 ** 15 - 1, 10 ** 15, 10 ** 20)),
        (n) => {
          expect(written(writeInteger, n)).toBe(String(n));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('writeThousandths writes String(thousandths / 1000)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.maxSafeInteger().map(Math.abs), fc.constantFrom(1, 10, 100, 10 ** 15 - 1, 10 ** 15 + 7)),
        (n) => {
          expect(written(writeThousandths, n)).toBe(String(n / 1000));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

test('AsciiStringCache gives the latin1 text of the bytes, whatever collides or is too long to cache', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '/', '1'), maxLength: 12 }), { maxLength: 200 }), (keys) => {
      const cache = new AsciiStringCache(4, 8);
      for (const key of keys) {
        const bytes = Buffer.from(`:${key};`, 'latin1');
        expect(cache.get(bytes, 1, bytes.length - 1)).toBe(key);
      }
    }),
  );
});

describe('TimeRange', () => {
  const plainTime = fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });
  const anyTime = fc.integer({ min: -8.64e15, max: 8.64e15 });
  const addition = fc.oneof(
    plainTime.map((ms) => ({ ms, asText: false })),
    fc.oneof(plainTime, anyTime).map((ms) => ({ ms, asText: true })),
  );

  test('has the earliest and latest texts in string order, whether times come as texts or as ms', () => {
    fc.assert(
      fc.property(fc.array(addition, { maxLength: 30 }), (additions) => {
        const range = new TimeRange();
        const texts: string[] = [];
        for (const { ms, asText } of additions) {
          const text = new Date(ms).toISOString();
          texts.push(text);
          if (asText) range.addText(text);
          else range.addFourDigitYearMs(ms);
        }
        const sorted = [...texts].sort();
        expect([range.firstText, range.lastText]).toEqual([sorted[0] ?? null, sorted.at(-1) ?? null]);
      }),
      { numRuns: 1000 },
    );
  });
});
