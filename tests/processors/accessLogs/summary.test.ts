import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SpaceSaving } from '../../../src/processors/accessLogs/heavyHitters.js';
import type { LogRecord } from '../../../src/processors/accessLogs/record.js';
import { SummaryBuilder } from '../../../src/processors/accessLogs/summary.js';

describe('SpaceSaving', () => {
  test('with room for every key, counts are exact and ties are ordered by key', () => {
    const table = new SpaceSaving(10);
    for (const key of ['b', 'a', 'c', 'a', 'b', 'a']) table.add(key);
    expect(table.top(2)).toEqual([
      { key: 'a', count: 3, error: 0 },
      { key: 'b', count: 2, error: 0 },
    ]);
  });

  test('a full table replaces its smallest counter, carrying its count as the error', () => {
    const table = new SpaceSaving(2);
    for (const key of ['a', 'a', 'b', 'c']) table.add(key);
    expect(table.top(2)).toEqual([
      { key: 'a', count: 2, error: 0 },
      { key: 'c', count: 2, error: 1 },
    ]);
    expect(table.size).toBe(2);
  });

  test('keys are cut at maxKeyLength', () => {
    const table = new SpaceSaving(2, 4);
    table.add('abcdef');
    table.add('abcdxy');
    expect(table.top(1)).toEqual([{ key: 'abcd', count: 2, error: 0 }]);
  });

  test('any key above n / capacity is reported, never undercounted, overcounted by at most its error', () => {
    const keys = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), { maxLength: 300 });
    fc.assert(
      fc.property(keys, fc.integer({ min: 1, max: 8 }), (stream, capacity) => {
        const table = new SpaceSaving(capacity);
        const truth = new Map<string, number>();
        for (const key of stream) {
          table.add(key);
          truth.set(key, (truth.get(key) ?? 0) + 1);
        }
        const top = table.top(capacity);
        for (const { key, count, error } of top) {
          const real = truth.get(key) ?? 0;
          expect(count).toBeGreaterThanOrEqual(real);
          expect(count - error).toBeLessThanOrEqual(real);
        }
        for (const [key, count] of truth) if (count > stream.length / capacity) expect(top.map((entry) => entry.key)).toContain(key);
      }),
    );
  });

  test('a million distinct keys keep the table at its capacity, in linear time', () => {
    const table = new SpaceSaving(1000);
    for (let i = 0; i < 1_000_000; i++) table.add(i % 10 === 0 ? '/hot' : `/cold/${i}`);
    expect(table.size).toBe(1000);
    expect(table.top(1)[0]).toMatchObject({ key: '/hot' });
  });
});

describe('the latency sketch', () => {
  test('quantiles are within 1% of the exact value at rank q × (n − 1)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 500 }), (values) => {
        const sketch = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: 0.01, binLimit: 2048 });
        for (const value of values) sketch.accept(value);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of [0.5, 0.9, 0.99]) {
          const exact = sorted[Math.floor(q * (sorted.length - 1))] ?? 0;
          expect(Math.abs(sketch.getValueAtQuantile(q) - exact)).toBeLessThanOrEqual(exact * 0.01 + 1e-9);
        }
      }),
    );
  });
});

describe('SummaryBuilder', () => {
  const record = (overrides: Partial<LogRecord>): LogRecord => ({
    timestamp: '2026-11-02T10:00:00.000Z',
    client: null,
    method: null,
    path: null,
    status: null,
    bytes: null,
    latencyMs: null,
    userAgent: null,
    fields: {},
    ...overrides,
  });

  test('status classes (no status and 6xx are other), first and last timestamps out of order, zero latency', () => {
    const builder = new SummaryBuilder(20);
    builder.add(record({ status: 101, timestamp: '2026-11-02T10:00:05.000Z', latencyMs: 0 }));
    builder.add(record({ status: 600, timestamp: '2026-11-02T09:00:00.000Z', latencyMs: 0 }));
    builder.add(record({ timestamp: '2026-11-02T11:00:00.000Z' }));
    expect(builder.summary({ linesIn: 3, linesOut: 3, linesRejected: 0 }, 'jsonl')).toMatchObject({
      requests: {
        byStatusClass: { '1xx': 1, other: 2 },
        topStatusCodes: [
          { status: 101, count: 1 },
          { status: 600, count: 1 },
        ],
      },
      latencyMs: { count: 2, p50: 0, p90: 0, p99: 0 },
      timestamps: { first: '2026-11-02T09:00:00.000Z', last: '2026-11-02T11:00:00.000Z' },
    });
  });

  test('memory stays bounded: a thousand distinct status codes, top 10 reported', () => {
    const builder = new SummaryBuilder(20);
    for (let status = 0; status < 1000; status++) builder.add(record({ status, path: `/p/${status}`, client: `c${status}` }));
    const summary = builder.summary({ linesIn: 1000, linesOut: 1000, linesRejected: 0 }, 'alb');
    expect(summary.requests.topStatusCodes).toHaveLength(10);
    expect(summary.topPaths).toHaveLength(20);
    expect(summary.topClients).toHaveLength(20);
  });
});
