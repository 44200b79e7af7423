import { describe, expect, test } from 'vitest';
import { converterFor } from '../../src/processors/schemas/convert.js';
import { schemas } from '../../src/processors/schemas/index.js';
import type { Column } from '../../src/processors/schemas/types.js';

describe.each<[string, Column, [string, string][], string[]]>([
  [
    'string',
    { name: 's', type: 'string', maxLength: 5 },
    [
      ['abc', '"abc"'],
      ['a"b', '"a\\"b"'],
      ['', 'null'],
      ['ü😀', '"ü😀"'],
    ],
    ['toolong'],
  ],
  ['string pattern', { name: 's', type: 'string', pattern: /^[A-Z]{3}$/ }, [['EUR', '"EUR"']], ['eur', 'EURO']],
  [
    'integer',
    { name: 'i', type: 'integer', min: -5, max: 10 },
    [
      ['3', '3'],
      ['-5', '-5'],
      ['+7', '7'],
      ['007', '7'],
    ],
    ['1.5', '11', 'x', ' 3', '1e3'],
  ],
  [
    'decimal',
    { name: 'd', type: 'decimal', scale: 2, min: 0 },
    [
      ['12.50', '12.50'],
      ['0.5', '0.5'],
      ['007.10', '7.10'],
      ['+3', '3'],
      ['0', '0'],
    ],
    ['1.234', '-1', '.5', '1.', 'abc'],
  ],
  [
    'date',
    { name: 'd', type: 'date' },
    [
      ['2024-02-29', '"2024-02-29"'],
      ['2026-12-31', '"2026-12-31"'],
    ],
    ['2026-02-29', '2026-13-01', '2026-04-31', '2026-1-01', '20261101', '2026-11-0x'],
  ],
  [
    'datetime',
    { name: 't', type: 'datetime' },
    [
      ['2026-11-02T10:00:00Z', '"2026-11-02T10:00:00.000Z"'],
      ['2026-11-02T10:00:00.123Z', '"2026-11-02T10:00:00.123Z"'],
      ['2026-11-02T10:00+01:00', '"2026-11-02T09:00:00.000Z"'],
    ],
    ['2026-11-02', '2026-11-02T25:00:00Z', '2026-02-30T10:00:00Z', '2026-11-02T10:00:00'],
  ],
  [
    'boolean',
    { name: 'b', type: 'boolean' },
    [
      ['true', 'true'],
      ['FALSE', 'false'],
      ['1', 'true'],
      ['0', 'false'],
    ],
    ['yes', '2'],
  ],
  [
    'enum',
    { name: 'e', type: 'enum', values: ['a', 'b"c'] },
    [
      ['a', '"a"'],
      ['b"c', '"b\\"c"'],
    ],
    ['A', 'c'],
  ],
  ['required', { name: 'r', type: 'string', required: true }, [['x', '"x"']], ['']],
])('%s column', (_name, column, valid, invalid) => {
  const convert = converterFor(column);

  test.each(valid)('%j becomes %s', (input, json) => {
    expect(convert(input)).toBe(json);
    expect(() => JSON.parse(json) as unknown).not.toThrow();
  });

  test.each(invalid)('%j is invalid', (input) => {
    expect(convert(input)).toEqual({ rule: expect.stringMatching(/^(must|is required)/) as unknown });
  });
});

test.each(Object.entries(schemas))('schema %s: output fields are unique', (_name, schema) => {
  const fields = schema.columns.map((column) => ('field' in column ? column.field : column.name));
  expect(new Set(fields).size).toBe(fields.length);
});
