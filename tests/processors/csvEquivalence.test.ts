/**
 * The byte-level ETL (src/processors/csv/etlTransform.ts) must write exactly what the string ETL
 * it replaced wrote (tests/processors/reference/, kept as it was before issue 11), whatever the
 * file and however its bytes are chunked: rows, rejects, counts, and which files are rejected.
 */
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { variedOrdersCsv } from '../../bench/processors/data.js';
import { byteConverterFor } from '../../src/processors/csv/byteConverters.js';
import { ByteOutput } from '../../src/processors/csv/byteOutput.js';
import { CsvEtl } from '../../src/processors/csv/etlTransform.js';
import { parseCsvOptions } from '../../src/processors/csv/options.js';
import type { OpenRejects } from '../../src/processors/ndjsonBatches.js';
import { converterFor } from '../../src/processors/schemas/convert.js';
import type { Column } from '../../src/processors/schemas/types.js';
import { chunkedStream } from '../helpers/processorRun.js';
import { ReferenceCsvEtl } from './reference/csvEtl.js';

interface EtlRun {
  readonly rows?: string;
  readonly rejects?: string;
  readonly counts?: unknown;
  readonly error?: string;
}

type EtlClass = new (options: ReturnType<typeof parseCsvOptions>, openRejects: OpenRejects) => CsvEtl | ReferenceCsvEtl;

const runEtl = async (Etl: EtlClass, input: Readable, options: Readonly<Record<string, unknown>>): Promise<EtlRun> => {
  const rows: Buffer[] = [];
  const rejects: Buffer[] = [];
  const collect = (into: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        into.push(Buffer.from(chunk));
        callback();
      },
    });
  // Every row is kept or rejected on its own: the reject-ratio rule is the processor's, not the transforms'.
  const etl = new Etl(parseCsvOptions({ schema: 'orders', maxRejectRatio: 1, ...options }), () => collect(rejects));
  try {
    await pipeline(input, etl, collect(rows));
  } catch (error: unknown) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
  return { rows: Buffer.concat(rows).toString('utf8'), rejects: Buffer.concat(rejects).toString('utf8'), counts: { ...etl.counts } };
};

/** Both ETLs on the same bytes, each cut at its own chunk sizes. */
const both = async (bytes: Buffer, sizes: readonly number[], options: Readonly<Record<string, unknown>> = {}) => ({
  reference: await runEtl(ReferenceCsvEtl, chunkedStream(bytes), options),
  current: await runEtl(CsvEtl, chunkedStream(bytes, sizes), options),
});

const text = (units: string[], maxLength: number) => fc.string({ unit: fc.constantFrom(...units), maxLength });
const TEXT_UNITS = ['a', 'Z', '0', ' ', 'é', '日', '😀', ',', '"', '\n', '\r', '\\', '\t', '\u0001', '\u2028', '-', '.'];
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: min, maxLength: max });
const sign = fc.constantFrom('', '', '+', '-');
const date = fc
  .tuple(fc.integer({ min: 1999, max: 2401 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => [String(y), String(m).padStart(2, '0'), String(d).padStart(2, '0')].join('-'));
const time = fc
  .tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }))
  .map((parts) => parts.map((n) => String(n).padStart(2, '0')).join(':'));

/** Mostly valid values (so rows get written), one in eight wild. */
const mostly = (valid: fc.Arbitrary<string>, wild: fc.Arbitrary<string>) => fc.oneof({ arbitrary: valid, weight: 7 }, { arbitrary: wild, weight: 1 });
const SAFE_UNITS = ['a', 'Z', '0', ' ', 'é', '日', '😀', ',', '"', '\n', '\r\n', '\\', '\t', '\u2028', '-'];

/** Values for each orders column: mostly plausible, sometimes wrong in the ways files are. */
const columnValues: Record<string, fc.Arbitrary<string>> = {
  order_id: mostly(
    fc.oneof(
      fc.constant('A-1'),
      text(SAFE_UNITS, 20).filter((v) => v !== ''),
    ),
    text(TEXT_UNITS, 70),
  ),
  customer_id: mostly(
    text(['C', '-', '9', 'é'], 8).filter((v) => v !== ''),
    text(TEXT_UNITS, 8),
  ),
  order_date: mostly(fc.constantFrom('2026-11-02', '2024-02-29', '2000-12-31'), fc.oneof(date, fc.constantFrom('', '2026-1-01', '20260101', '2023-02-29'))),
  status: mostly(fc.constantFrom('pending', 'paid', 'shipped', 'cancelled', 'refunded'), fc.constantFrom('Paid', 'lost', '')),
  sku: mostly(
    text(['S', 'K', '-', '1', '日'], 12).filter((v) => v !== ''),
    text(TEXT_UNITS, 40),
  ),
  quantity: mostly(
    fc.tuple(fc.constantFrom('', '+'), fc.constantFrom('', '0', '00'), fc.integer({ min: 1, max: 100_000 })).map(([s, z, n]) => s + z + n),
    fc.oneof(
      fc.tuple(sign, digits(0, 17)).map(([s, d]) => s + d),
      fc.constantFrom('100001', 'two', '-0', ''),
    ),
  ),
  unit_price: mostly(
    fc
      .tuple(fc.constantFrom('', '+', '-'), digits(1, 4), fc.constantFrom('', '.'), digits(1, 4))
      .map(([s, i, dot, f]) => (s === '-' ? `-0.${'0'.repeat(f.length)}` : s + i + (dot === '' ? '' : dot + f))),
    fc.oneof(
      fc.tuple(sign, digits(0, 4), fc.constantFrom('', '.'), digits(0, 6)).map(([s, i, dot, f]) => s + i + dot + f),
      fc.constantFrom('1e3', '', '-1'),
    ),
  ),
  currency: mostly(fc.constantFrom('EUR', 'USD'), fc.constantFrom('eur', 'EURO', 'ÉUR', '')),
  shipped_at: mostly(
    fc.constantFrom('', '2026-11-02T12:00:00Z', '2026-11-02T23:59:59.123Z', '2026-11-02T12:00Z', '2026-11-02T12:00:00+02:00', '2024-02-29T00:00:00.5-05:30'),
    fc.oneof(
      fc.tuple(date, time, fc.constantFrom('Z', '.123Z', '.1Z', '+02:00', '', 'z')).map(([d, t, zone]) => `${d}T${t}${zone}`),
      fc.constantFrom('2026-11-02 12:00:00Z'),
    ),
  ),
  note: mostly(fc.oneof(fc.constant(''), text(SAFE_UNITS, 30)), fc.oneof(text(TEXT_UNITS, 30), text(['n', 'ü'], 1100))),
};
const COLUMNS = Object.keys(columnValues);

/** How a value is written: quoted only when needed, always quoted, with text after the quote, or raw. */
const writeField = (value: string, style: number): string => {
  if (style === 1) return `"${value.replaceAll('"', '""')}"`;
  if (style === 2) return `"${value.replaceAll('"', '""')}"x`;
  if (style === 3) return value;
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
};

const row = fc.tuple(
  fc.record(columnValues),
  fc.array(fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3), { minLength: 11, maxLength: 11 }),
  fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, -1, 1),
);

const csvFile = fc
  .record({
    columns: fc.shuffledSubarray(COLUMNS, { minLength: 8 }),
    extraColumn: fc.boolean(),
    bom: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
    rows: fc.array(row, { maxLength: 25 }),
    blankLines: fc.array(fc.nat(25), { maxLength: 3 }),
    finalNewline: fc.boolean(),
  })
  .map(({ columns, extraColumn, bom, eol, rows, blankLines, finalNewline }) => {
    const header = [...columns, ...(extraColumn ? ['extra'] : [])];
    const lines = rows.map(([values, styles, widthChange]) => {
      const fields = header.map((column, i) => writeField(columns.includes(column) ? (values[column] ?? '') : 'x', styles[i] ?? 0));
      if (widthChange === -1) fields.pop();
      if (widthChange === 1) fields.push('more');
      return fields.join(',');
    });
    for (const at of blankLines) lines.splice(Math.min(at, lines.length), 0, '');
    const body = [header.join(','), ...lines].join(eol) + (finalNewline ? eol : '');
    return Buffer.from((bom ? '\uFEFF' : '') + body);
  });

/** Chunk sizes from 1 byte to 1 MiB, mostly small so that boundaries fall inside records and characters. */
const chunkSizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 300 }), fc.integer({ min: 1, max: 1024 ** 2 })), {
  minLength: 1,
  maxLength: 12,
});

describe('byte-level CSV ETL against the string ETL it replaced', () => {
  test('the same rows, rejects, counts and rejections on generated files, however chunked', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, chunkSizes, async (bytes, sizes) => {
        const { reference, current } = await both(bytes, sizes);
        expect(current).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });

  test('the same output with invalid UTF-8 and NUL bytes kept (invalidUtf8: replace, nulBytes: keep)', async () => {
    const bytesValue = fc
      .uint8Array({ maxLength: 12 })
      .map((raw) => Buffer.from(raw.map((byte) => (byte === 10 || byte === 13 || byte === 44 || byte === 34 ? 0x80 : byte))));
    await fc.assert(
      fc.asyncProperty(fc.array(bytesValue, { maxLength: 20 }), chunkSizes, async (notes, sizes) => {
        const lines = notes.map((note, i) => Buffer.concat([Buffer.from(`A-${i},C-1,2026-11-02,paid,SKU-1,2,12.50,EUR,,`), note, Buffer.from('\n')]));
        const bytes = Buffer.concat([Buffer.from(`${COLUMNS.join(',')}\n`), ...lines]);
        const { reference, current } = await both(bytes, sizes, { invalidUtf8: 'replace', nulBytes: 'keep' });
        expect(current).toEqual(reference);
      }),
      { numRuns: 200 },
    );
  });

  test.each([
    ['a 4 MiB generated file of varied rows', 4 * 1024 ** 2],
    ['a 200 KiB one', 200 * 1024],
  ])('the same on %s, cut at random chunk sizes up to 1 MiB', async (_name, size) => {
    const bytes = Buffer.from(variedOrdersCsv(size));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 1024 ** 2 }), { minLength: 1, maxLength: 6 }), async (sizes) => {
        const { reference, current } = await both(bytes, sizes);
        expect(current.rows).not.toBe('');
        expect(current).toEqual(reference);
      }),
      { numRuns: size > 1024 ** 2 ? 3 : 10 },
    );
  });
});

/** What the byte converter writes for `value` (given as `raw`, `""`-escaped when `pairs`), or undefined when it leaves the value to the string one. */
const fromBytes = (column: Column, raw: string, pairs = false): string | undefined => {
  const out = new ByteOutput();
  out.pos = 3; // not at 0, to catch writes that assume it
  const bytes = Buffer.from(`,${raw},`);
  const ascii = Buffer.from(raw).every((byte) => byte < 0x80);
  const written = byteConverterFor(column)(bytes, 1, bytes.length - 1, out, ascii, pairs);
  if (!written) {
    expect(out.pos).toBe(3);
    return undefined;
  }
  return out.buffer.toString('utf8', 3, out.pos);
};

/** A byte converter may decline a value, but what it writes must be what the string converter writes. */
const sameAsString = (column: Column, value: string, pairs = false): void => {
  const written = fromBytes(column, pairs ? value.replaceAll('"', '""') : value, pairs);
  if (written !== undefined) expect(written).toBe(converterFor(column)(value));
};

describe('byte converters against the string converters', () => {
  const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
  const datetime = fc
    .record({
      year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 1999, 2000, 2024, 2100, 9999)),
      month: two(0, 13),
      day: two(0, 32),
      hour: two(0, 25),
      minute: two(0, 60),
      second: fc.option(two(0, 61)),
      fraction: fc.option(fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 11 })),
      zone: fc.oneof(
        fc.constant('Z'),
        fc.tuple(fc.constantFrom('+', '-'), two(0, 25), two(0, 61)).map(([s, h, m]) => `${s}${h}:${m}`),
        fc.constantFrom('', 'z', '+0200', '+02', ' Z', 'Z '),
      ),
    })
    .map(({ year, month, day, hour, minute, second, fraction, zone }) => {
      const seconds = second === null ? '' : `:${second}${fraction === null ? '' : `.${fraction}`}`;
      return `${String(year).padStart(4, '0')}-${month}-${day}T${hour}:${minute}${seconds}${zone}`;
    });

  test('date-times, with any zone offset, normalized to UTC exactly as Date.parse + toISOString do', () => {
    fc.assert(
      fc.property(datetime, (value) => sameAsString({ name: 'at', type: 'datetime' }, value)),
      { numRuns: 20_000 },
    );
    for (const value of [
      '2026-03-01T00:10:00+00:30',
      '2024-03-01T00:10:00+00:30',
      '2026-12-31T23:10:00-01:00',
      '2026-01-01T00:00:00.1+01:00',
      '2026-01-01T00:00+23:59',
    ]) {
      expect(fromBytes({ name: 'at', type: 'datetime' }, value)).toBe(converterFor({ name: 'at', type: 'datetime' })(value));
    }
  });

  test('strings: unicode copied as bytes, quotes, backslashes and control characters escaped as JSON.stringify does, `""` unescaped', () => {
    const units = ['a', ' ', 'é', '日', '😀', '"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f', '\u2028', '/'];
    const value = fc.string({ unit: fc.constantFrom(...units), minLength: 1, maxLength: 12 });
    const columns: Column[] = [
      { name: 's', type: 'string' },
      { name: 's', type: 'string', maxLength: 5 },
      { name: 's', type: 'string', pattern: /^[a "]+$/ },
    ];
    fc.assert(
      fc.property(value, fc.constantFrom(...columns), fc.boolean(), (text, column, pairs) => sameAsString(column, text, pairs)),
      { numRuns: 5_000 },
    );
    expect(fromBytes({ name: 's', type: 'string' }, 'say ""hi""\n', true)).toBe('"say \\"hi\\"\\n"');
    expect(fromBytes({ name: 's', type: 'string', maxLength: 3 }, '日本語')).toBe('"日本語"');
    expect(fromBytes({ name: 's', type: 'string', maxLength: 3 }, '日本語x')).toBeUndefined();
  });
});
