import { describe, expect, test } from 'vitest';
import { checkRoutes } from '../../src/config/checkRoutes.js';
import { routes } from '../../src/config/routes.js';
import type { Route, RouteTo } from '../../src/config/types.js';
import { ConfigError } from '../../src/errors.js';

/** A valid route unless overridden. */
const route = (overrides: Partial<RouteTo<'csv-to-ndjson'>> = {}): Route => ({
  id: 'orders',
  prefix: 'incoming/orders/',
  suffixes: ['.csv'],
  processor: 'csv-to-ndjson',
  options: { schema: 'orders' },
  ...overrides,
});

/** A route the type forbids, as plain JavaScript or JSON could still build one: checkRoutes must catch it at run time. */
const untypedRoute = (overrides: Readonly<Record<string, unknown>>): Route => ({ ...route(), ...overrides }) as unknown as Route;

/** Lets tests about other rules use prefixes outside the shipped inbox. */
const ANY_INBOX = '';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('checkRoutes', () => {
  test('the checked-in routing table is valid', () => {
    expect(checkRoutes(routes)).toBe(routes);
  });

  test.each([
    { name: 'same prefix and suffix', a: route(), b: route({ id: 'b', suffixes: ['.csv'] }), filter: 'incoming/orders/*.csv' },
    {
      name: "nested prefixes 'a/' ⊃ 'a/b/' and suffixes '.csv' ⊃ 's.csv'",
      a: route({ id: 'a', prefix: 'a/' }),
      b: route({ id: 'b', prefix: 'a/b/', suffixes: ['s.csv'] }),
      filter: 'a/b/*s.csv',
    },
    {
      name: 'one suffix ends the other',
      a: route({ id: 'a', suffixes: ['.gz'] }),
      b: route({ id: 'b', suffixes: ['.csv.gz'] }),
      filter: 'incoming/orders/*.csv.gz',
    },
  ])('overlapping filters are rejected: $name', ({ a, b, filter }) => {
    expect(() => checkRoutes([a, b], ANY_INBOX)).toThrow(ConfigError);
    expect(() => checkRoutes([a, b], ANY_INBOX)).toThrow(
      new RegExp(`^routes\\['${b.id}'\\]: filter '${escapeRegExp(filter)}' overlaps routes\\['${a.id}'\\].*a key must have one route`),
    );
  });

  test('a suffix listed twice in one route overlaps itself', () => {
    expect(() => checkRoutes([route({ suffixes: ['.csv', '.csv'] })])).toThrow(
      /routes\['orders'\]: filter 'incoming\/orders\/\*\.csv' overlaps routes\['orders'\]/,
    );
  });

  test.each([
    { name: "'.csv' vs '.csv.gz' (neither ends the other)", a: route({ suffixes: ['.csv', '.csv.gz'] }), b: undefined },
    { name: "sibling prefixes 'a/' and 'b/'", a: route({ id: 'a', prefix: 'a/' }), b: route({ id: 'b', prefix: 'b/' }) },
    { name: "'a/' and 'ab/' (a string prefix, not a folder prefix)", a: route({ id: 'a', prefix: 'a/' }), b: route({ id: 'b', prefix: 'ab/' }) },
    { name: 'nested prefixes with unrelated suffixes', a: route({ id: 'a', prefix: 'a/' }), b: route({ id: 'b', prefix: 'a/b/', suffixes: ['.png'] }) },
  ])('non-overlapping filters are accepted: $name', ({ a, b }) => {
    const table = b === undefined ? [a] : [a, b];
    expect(checkRoutes(table, ANY_INBOX)).toBe(table);
  });

  test.each(['processed/', 'manifests/', 'processed/orders/', 'manifests/2026/'])('a route reading from the results layout (%s) is rejected', (prefix) => {
    const resultPrefix = prefix.startsWith('processed/') ? 'processed/' : 'manifests/';
    expect(() => checkRoutes([route({ prefix })], ANY_INBOX)).toThrow(ConfigError);
    expect(() => checkRoutes([route({ prefix })], ANY_INBOX)).toThrow(
      `routes['orders'].prefix: must not read from the results layout ('${resultPrefix}'), '${prefix}' given`,
    );
  });

  test('a prefix that only looks like a result prefix is accepted', () => {
    expect(checkRoutes([route({ prefix: 'processed-old/' })], ANY_INBOX)).toHaveLength(1);
  });

  test('a route outside the inbox is rejected: it would never be notified', () => {
    expect(() => checkRoutes([route({ prefix: 'uploads/orders/' })])).toThrow(
      "routes['orders'].prefix: must be inside the inbox 'incoming/' (only it is notified), 'uploads/orders/' given",
    );
  });

  test('suffixes must be lower case: matching ignores case, so an upper-case suffix would mislead', () => {
    expect(() => checkRoutes([route({ suffixes: ['.csv', '.JPG'] })])).toThrow(
      "routes['orders'].suffixes: must be lower case (matching ignores case), '.JPG' given",
    );
  });

  test.each([
    {
      name: 'unknown processor',
      input: untypedRoute({ processor: 'xml-to-json' }),
      message: "routes['orders'].processor: must be one of csv-to-ndjson, image-thumbnails, access-logs, 'xml-to-json' given",
    },
    {
      name: 'prefix without trailing /',
      input: route({ prefix: 'incoming/orders' }),
      message: "routes['orders'].prefix: must be a folder like 'incoming/orders/' (non-empty, ending in '/'), 'incoming/orders' given",
    },
    {
      name: 'empty prefix',
      input: route({ prefix: '' }),
      message: "routes['orders'].prefix: must be a folder like 'incoming/orders/' (non-empty, ending in '/'), '' given",
    },
    {
      name: 'prefix starting with /',
      input: route({ prefix: '/incoming/' }),
      message: "routes['orders'].prefix: must be a folder like 'incoming/orders/' (non-empty, ending in '/'), '/incoming/' given",
    },
    { name: 'no suffix', input: route({ suffixes: [] }), message: "routes['orders'].suffixes: must list at least one non-empty suffix, '' given" },
    {
      name: 'empty suffix',
      input: route({ suffixes: ['.csv', ''] }),
      message: "routes['orders'].suffixes: must list at least one non-empty suffix, '.csv, ' given",
    },
    { name: 'upper-case id', input: route({ id: 'Orders' }), message: "routes['Orders'].id: must be lower-case letters, digits and '-', 'Orders' given" },
  ])('$name', ({ input, message }) => {
    expect(() => checkRoutes([input])).toThrow(ConfigError);
    expect(() => checkRoutes([input])).toThrow(message);
  });

  test('duplicate ids are rejected', () => {
    expect(() => checkRoutes([route(), route({ prefix: 'incoming/other/' })])).toThrow("routes['orders'].id: must be unique, 'orders' given twice");
  });
});

describe('checkRoutes: processor options are checked at package time', () => {
  test.each([
    { options: { schema: 'nope' }, message: "routes['orders']: csv-to-ndjson options.schema: must be one of orders, 'nope' given" },
    { options: { schema: 'orders', maxRejectRatio: 2 }, message: "routes['orders']: csv-to-ndjson options.maxRejectRatio" },
    { options: { schema: 'orders', widths: [256] }, message: "routes['orders']: csv-to-ndjson options.widths: must be one of schema, delimiter" },
  ])('$options', ({ options, message }) => {
    expect(() => checkRoutes([untypedRoute({ options })])).toThrow(message);
  });

  test("the compiler holds each route to its own processor's options", () => {
    const typed: readonly Route[] = [
      // @ts-expect-error widths is an image-thumbnails option, not a csv-to-ndjson one
      { id: 'a', prefix: 'incoming/a/', suffixes: ['.csv'], processor: 'csv-to-ndjson', options: { schema: 'orders', widths: [256] } },
      // @ts-expect-error 'invoices' is not a schema name
      { id: 'b', prefix: 'incoming/b/', suffixes: ['.csv'], processor: 'csv-to-ndjson', options: { schema: 'invoices' } },
      // @ts-expect-error maxRejectRatio is a number
      { id: 'c', prefix: 'incoming/c/', suffixes: ['.csv'], processor: 'csv-to-ndjson', options: { schema: 'orders', maxRejectRatio: '0.1' } },
      { id: 'd', prefix: 'incoming/d/', suffixes: ['.png'], processor: 'image-thumbnails', options: { widths: [64], quality: 90 } },
    ];
    // What the compiler let through, checkRoutes confirms at run time too.
    expect(() => checkRoutes(typed)).toThrow("routes['a']: csv-to-ndjson options.widths");
  });

  test('the shipped routes pass', () => {
    expect(checkRoutes(routes)).toBe(routes);
  });
});
