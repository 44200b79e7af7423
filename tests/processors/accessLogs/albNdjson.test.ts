import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { albLine } from '../../../bench/processors/logsData.js';
import { parseAlbLine } from '../../../src/processors/accessLogs/alb.js';
import { AlbNdjsonEncoder } from '../../../src/processors/accessLogs/albNdjson.js';
import type { SourceFields } from '../../../src/processors/accessLogs/options.js';
import { isRejection, type LogRecord } from '../../../src/processors/accessLogs/record.js';
import { SummaryBuilder } from '../../../src/processors/accessLogs/summary.js';

const COUNTS = { linesIn: 0, linesOut: 0, linesRejected: 0 };

/**
 * The fast path's record and summary part for `line`, or undefined when it declines the line.
 * The line sits inside a larger buffer, as it does in a chunk.
 */
const fastPath = (encoder: AlbNdjsonEncoder, line: string): { ndjson: string; summary: SummaryBuilder } | undefined => {
  const bytes = Buffer.from(`\n${line}\nhttps "`);
  if (!encoder.parse(bytes, 1, 1 + Buffer.byteLength(line))) return undefined;
  const out = Buffer.alloc(encoder.maxBytes() + 1, 0x7e);
  const end = encoder.write(out, 1);
  expect(end, 'maxBytes is an upper bound').toBeLessThanOrEqual(out.length);
  const summary = new SummaryBuilder(20);
  encoder.addTo(summary);
  return { ndjson: out.toString('utf8', 1, end), summary };
};

const generalPath = (line: string, sourceFields: SourceFields = 'all'): { ndjson: string; summary: SummaryBuilder } | undefined => {
  const record = parseAlbLine(line, sourceFields);
  if (record === undefined || isRejection(record)) return undefined;
  const summary = new SummaryBuilder(20);
  summary.add(record as LogRecord);
  return { ndjson: `${JSON.stringify(record)}\n`, summary };
};

/** Mostly `usual` values, sometimes `unusual` ones, so that most lines are taken whole and every check is reached. */
const mostly = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>) => fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: unusual, weight: 1 });
const digits = (min: number, max: number) => fc.integer({ min, max }).map(String);
const padded = (min: number, max: number, width: number) => fc.integer({ min, max }).map((n) => String(n).padStart(width, '0'));
const time = fc
  .tuple(
    mostly(padded(1970, 2100, 4), padded(0, 9999, 4)),
    mostly(padded(1, 12, 2), padded(0, 19, 2)),
    mostly(padded(1, 31, 2), padded(0, 39, 2)),
    mostly(padded(0, 23, 2), fc.constantFrom('24', '25', '30')),
    mostly(fc.oneof(padded(0, 59, 2), fc.constant('00')), fc.constantFrom('60', '69')),
    mostly(fc.oneof(padded(0, 59, 2), fc.constant('00')), fc.constantFrom('60', '69')),
    mostly(fc.constantFrom('', '.1', '.12', '.123', '.123456', '.1234567890'), fc.constantFrom('.', '.x', '.12345678901234567890')),
    mostly(fc.constant('Z'), fc.constantFrom('+01:00', '', 'z')),
  )
  .map(([y, mo, d, h, mi, s, fraction, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${zone}`);
const seconds = mostly(
  fc.oneof(
    fc
      .tuple(digits(0, 99), padded(0, 999_999, 6), fc.integer({ min: 0, max: 6 }))
      .map(([whole, fraction, keep]) => (keep === 0 ? whole : `${whole}.${fraction.slice(0, keep)}`)),
    digits(0, 10 ** 15).map((n) => `${n.slice(0, 3)}.${n.slice(3)}`),
    fc.constantFrom('-1', '-0.000'),
  ),
  fc.constantFrom('-', '', '1e-3', '.5', '5.', '0x10', '+1', '1.2.3', '0.0000001', '--1'),
);
const printable = (maxLength: number) =>
  fc.string({
    unit: mostly(fc.constantFrom('a', 'Z', '0', '/', ':', '?', '[', ']', '-', ' ', '%', '.', '('), fc.constantFrom('"', '\\', 'é', '\t', '\u007f')),
    maxLength,
  });
const plain = (maxLength: number) => fc.string({ unit: fc.constantFrom('a', 'Z', '0', '/', ':', '?', '[', ']', '-', '%', '.', '('), maxLength });
const client = mostly(
  fc.oneof(fc.constantFrom('10.0.0.1:80', '[2001:db8::1]:443', '2001:db8::1:443', '[broken', ':80', '-', '""', 'nohost'), plain(12)),
  printable(12).map((text) => text.replaceAll(' ', '')),
);
const request = mostly(
  fc.oneof(
    fc.constantFrom(
      '"GET https://h:443/a/b?x=1 HTTP/1.1"',
      '"- - - "',
      '"GET https://h:443 HTTP/1.1"',
      '"GET"',
      '""',
      '"-"',
      '"GET /p?q HTTP/2.0"',
      '"GET abcdefghi://h/p?q HTTP/1.1"',
      '"GET abcdefghij://h/p?q HTTP/1.1"',
    ),
    fc.tuple(fc.constantFrom('GET', '-', ''), plain(24), fc.constantFrom('', ' HTTP/1.1', ' ')).map(([method, target, rest]) => `"${method} ${target}${rest}"`),
  ),
  fc
    .tuple(fc.constantFrom('GET', '-', ''), printable(24), fc.constantFrom('', ' HTTP/1.1', ' '))
    .map(([method, target, rest]) => `"${method} ${target}${rest}"`),
);
const quoted = (inner: fc.Arbitrary<string>) => inner.map((text) => `"${text}"`);
const field = mostly(fc.oneof(fc.constantFrom('-', '""', '"-"', 'x'), plain(6), quoted(plain(8).map((text) => `${text} ${text}`))), printable(8));
const albFields = fc.tuple(
  mostly(fc.constantFrom('http', 'https', 'h2', 'grpcs', 'ws', 'wss', '"h2"'), fc.constantFrom('ftp', 'HTTP', '')),
  time,
  field,
  client,
  field,
  seconds,
  seconds,
  seconds,
  mostly(fc.constantFrom('200', '020', '000', '-', '503'), fc.constantFrom('2000', '20x', '', '20')),
  field,
  field,
  mostly(fc.oneof(digits(0, 10 ** 15), fc.constant('-')), fc.constantFrom('1234567890123456', '12a', '')),
  request,
  mostly(quoted(plain(20)), field),
  mostly(fc.array(field, { maxLength: 24 }), fc.array(field, { minLength: 110, maxLength: 130 })),
);
const albText = fc
  .tuple(albFields, mostly(fc.constant(' '), fc.constant('  ')), mostly(fc.constant(''), fc.constantFrom(' ', '"', ' "')))
  .map(([[...fields], separator, end]) => `${[...fields.slice(0, 14), ...(fields[14] as string[])].join(separator)}${end}`);

describe('the ALB fast path', () => {
  test.each(['all', 'none'] as const)(
    'sourceFields %s: writes the bytes and summary of parseAlbLine + JSON.stringify, or declines the line',
    (sourceFields) => {
      const encoder = new AlbNdjsonEncoder(sourceFields);
      let taken = 0;
      fc.assert(
        fc.property(albText, (line) => {
          const fast = fastPath(encoder, line);
          if (fast === undefined) return;
          taken++;
          const general = generalPath(line, sourceFields);
          expect(general, 'a line the fast path takes is valid').toBeDefined();
          expect(fast.ndjson).toBe(general?.ndjson);
          expect(fast.summary.summary(COUNTS, 'alb')).toEqual(general?.summary.summary(COUNTS, 'alb'));
        }),
        { numRuns: 3000 },
      );
      // The property means little if the fast path declined nearly everything.
      expect(taken).toBeGreaterThan(60);
    },
  );

  test.each(['all', 'none'] as const)('sourceFields %s: takes every line of the benchmark log, with the same output', (sourceFields) => {
    const encoder = new AlbNdjsonEncoder(sourceFields);
    for (let i = 1; i <= 2000; i++) {
      const line = albLine(i).trimEnd();
      expect(fastPath(encoder, line)?.ndjson).toBe(generalPath(line, sourceFields)?.ndjson);
    }
  });

  test.each([
    ['a non-ASCII character', 'é'],
    ['an escaped quote', '\\"'],
    ['a tab', '\t'],
  ])('declines a line with %s, for the general path to decode or escape', (_name, text) => {
    const line = albLine(7).trimEnd().replace('Mozilla', `Mozilla${text}`);
    expect(generalPath(line)).toBeDefined();
    expect(fastPath(new AlbNdjsonEncoder(), line)).toBeUndefined();
  });
});
