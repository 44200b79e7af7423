import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CsvReader, type CsvReaderOptions } from '../../src/processors/csv/reader.js';
import { csvField } from '../helpers/orders.js';

const defaults: CsvReaderOptions = { delimiter: ',', maxRecordLength: 10_000, maxFieldLength: 1_000 };

/** Parses `chunks` (as UTF-8 bytes) in order; returns each record with the line it starts on. */
const parse = (chunks: readonly (string | Buffer)[], options: Partial<CsvReaderOptions> = {}): [number, ...string[]][] => {
  const records: [number, ...string[]][] = [];
  const reader = new CsvReader({ ...defaults, ...options }, (record) => records.push([record.line, ...record.texts()]));
  for (const chunk of chunks) reader.push(Buffer.from(chunk));
  reader.end();
  return records;
};

describe('CsvReader', () => {
  test.each([
    [
      'plain lines',
      'a,b\n1,2\n',
      [
        [1, 'a', 'b'],
        [2, '1', '2'],
      ],
    ],
    [
      'no final newline',
      'a,b\n1,2',
      [
        [1, 'a', 'b'],
        [2, '1', '2'],
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        [1, 'a', 'b'],
        [2, '1', '2'],
      ],
    ],
    [
      'empty lines skipped, lines still counted',
      'a\n\n\r\nb\n',
      [
        [1, 'a'],
        [4, 'b'],
      ],
    ],
    ['quoted delimiter', '"x,y",z\n', [[1, 'x,y', 'z']]],
    ['escaped quotes', '"he said ""hi""",2\n', [[1, 'he said "hi"', '2']]],
    [
      'embedded LF and CRLF',
      '"l1\nl2","a\r\nb"\nnext\n',
      [
        [1, 'l1\nl2', 'a\r\nb'],
        [4, 'next'],
      ],
    ],
    ['empty quoted and unquoted fields', '"",,""\n', [[1, '', '', '']]],
    ['CR inside quotes is data', '"q\r",r\r\n', [[1, 'q\r', 'r']]],
    ['quote inside an unquoted field is literal', 'a"b,c\n', [[1, 'a"b', 'c']]],
    ['text after a closing quote is kept', '"a"b,c\n', [[1, 'ab', 'c']]],
    ['unicode', 'ü,"😀,🎉",日本\n', [[1, 'ü', '😀,🎉', '日本']]],
    ['quoted last field without newline', 'a,"b"', [[1, 'a', 'b']]],
    ['a UTF-8 BOM is skipped', '\uFEFFa,b\n', [[1, 'a', 'b']]],
    ['a lone CR at the end is an empty line', 'a\n\r', [[1, 'a']]],
  ])('%s', (_name, input, expected) => {
    expect(parse([input])).toEqual(expected);
  });

  test.each([';', '\t', '|'])("delimiter '%s'", (delimiter) => {
    expect(parse([`a${delimiter}"b${delimiter}c"${delimiter}d\n`], { delimiter })).toEqual([[1, 'a', `b${delimiter}c`, 'd']]);
  });

  test.each([
    ['an unterminated quote', 'a,"open\nmore', /quoted field must be closed/],
    ['a record over maxRecordLength', `${'x'.repeat(50)}\n`, /records must be at most 40 characters, 50\+ given/],
    ['an incomplete record over maxRecordLength', `"${'x'.repeat(50)}`, /records must be at most 40 characters/],
    ['a field over maxFieldLength', `${'y'.repeat(30)},b\n`, /fields must be at most 20 characters, 30 given/],
    ['a quoted field over maxFieldLength', `"${'y'.repeat(30)}",b\n`, /fields must be at most 20 characters, 30 given/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parse([input], { maxRecordLength: 40, maxFieldLength: 20 })).toThrow(message);
  });

  test('rejects an over-long record that arrives in small chunks before it completes', () => {
    const reader = new CsvReader({ ...defaults, maxRecordLength: 100 }, () => undefined);
    expect(() => {
      for (let i = 0; i < 20; i++) reader.push(Buffer.from('"0123456789'));
    }).toThrow(/records must be at most 100 characters/);
  });

  test('counts record length in characters, not bytes', () => {
    expect(parse(['日本語,x\n'], { maxRecordLength: 5, maxFieldLength: 3 })).toEqual([[1, '日本語', 'x']]);
  });

  test('names CR-only line endings when the first record passes maxRecordLength without an LF', () => {
    expect(() => parse([`a,b\r${'1,2\r'.repeat(30)}`], { maxRecordLength: 50 })).toThrow(
      'csv line 1: line endings must be LF or CRLF, CR alone given (no LF in the first 50 characters)',
    );
  });

  test('the BOM is recognized when split across chunks', () => {
    const bom = Buffer.from('\uFEFFa\n');
    expect(parse([bom.subarray(0, 1), bom.subarray(1, 2), bom.subarray(2)])).toEqual([[1, 'a']]);
  });
});

const csvText = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ',', '"', '\n', '\r', ' ', ';'), maxLength: 8 });
/** Records that survive a round trip: a lone empty field would be an empty (skipped) line. */
const records = fc.array(
  fc.array(csvText, { minLength: 1, maxLength: 5 }).filter((r) => !(r.length === 1 && r[0] === '')),
  { maxLength: 12 },
);

const serialize = (rows: readonly string[][], eol: string): string => rows.map((row) => row.map((field) => csvField(field)).join(',') + eol).join('');

describe('CsvReader properties', () => {
  test('records round-trip, whatever the line ending', () => {
    fc.assert(
      fc.property(records, fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        expect(parse([serialize(rows, eol)]).map(([, ...fields]) => fields)).toEqual(rows);
      }),
    );
  });

  test('parsing does not depend on how the input is chunked', () => {
    fc.assert(
      fc.property(records, fc.constantFrom('\n', '\r\n'), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }), (rows, eol, fractions) => {
        const text = serialize(rows, eol);
        // Cut the bytes, not the text: boundaries fall inside UTF-8 characters too.
        const bytes = Buffer.from(text);
        const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
        const chunks = [...points, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : points[i - 1], end));
        expect(parse(chunks)).toEqual(parse([text]));
      }),
      { numRuns: 500 },
    );
  });
});
