import { describe, expect, test } from 'vitest';
import { addressOf, parseAlbLine, splitAlbLine } from '../../../src/processors/accessLogs/alb.js';
import { CLOUDFRONT_FIELDS, CloudFrontParser } from '../../../src/processors/accessLogs/cloudfront.js';
import { detectFormat } from '../../../src/processors/accessLogs/formats.js';
import { jsonLineParser } from '../../../src/processors/accessLogs/jsonLines.js';
import { parseAccessLogOptions } from '../../../src/processors/accessLogs/options.js';
import { pathOfTarget, urlDecoded } from '../../../src/processors/accessLogs/record.js';

const alb = (overrides: Readonly<Record<number, string>> = {}): string => {
  const fields = [
    'http',
    '2026-11-02T10:00:00.000000Z',
    'app/lb/1',
    '10.0.0.9:4000',
    '10.0.0.1:80',
    '0.000',
    '0.010',
    '0.000',
    '200',
    '200',
    '1',
    '99',
    '"GET http://h:80/p HTTP/1.1"',
    '"ua"',
  ];
  for (const [at, value] of Object.entries(overrides)) fields[Number(at)] = value;
  return fields.join(' ');
};

describe('ALB lines', () => {
  test.each([
    ['plain and quoted fields', 'a "b c" d', ['a', 'b c', 'd']],
    ['an escaped quote inside quotes', 'a "say \\"hi\\"" b', ['a', 'say "hi"', 'b']],
    ['an empty quoted field last', 'a ""', ['a', '']],
    ['a quoted dash', 'a "-"', ['a', '-']],
    ['an escaped backslash before the closing quote', 'a "b\\\\" c', ['a', 'b\\', 'c']],
  ])('split: %s', (_name, line, fields) => {
    expect(splitAlbLine(line)).toEqual(fields);
  });

  test.each([
    ['an unterminated quote', 'a "b c', "field 2: must end its opening quote, '\"b c' given"],
    ['text after a closing quote', 'a "b"c d', 'field 2: must be followed by a space after its closing quote, \'"b"c d\' given'],
  ])('split rejects %s', (_name, line, reason) => {
    expect(splitAlbLine(line)).toEqual({ reason });
  });

  test('hostile quoting takes linear time: 200 000 escaped quotes in one field', () => {
    const started = performance.now();
    expect(splitAlbLine(`a "${'\\"'.repeat(200_000)}" b`)).toHaveLength(3);
    expect(splitAlbLine(`a "${'\\"'.repeat(200_000)}`)).toMatchObject({ reason: expect.stringMatching(/^field 2: must end its opening quote/) });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test.each([
    ['10.0.0.1:80', '10.0.0.1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['2001:db8::1:443', '2001:db8::1'],
    ['[broken', '[broken'],
    ['nohost', 'nohost'],
    [null, null],
  ])('the address of client:port %j is %j', (clientPort, address) => {
    expect(addressOf(clientPort)).toBe(address);
  });

  test.each([
    ['a missing status and bytes', { 8: '-', 11: '-' }, { status: null, bytes: null }],
    ['-1 processing times (no response)', { 6: '-1', 7: '-1' }, { latencyMs: null }],
    ['a request ALB could not parse', { 12: '"- - - "' }, { method: null, path: null }],
    ['a request target without a path', { 12: '"GET https://h:443 HTTP/1.1"' }, { path: '/' }],
    ['a missing user agent', { 13: '"-"' }, { userAgent: null }],
    ['a method only', { 12: '"GET"' }, { method: 'GET', path: null }],
  ])('%s', (_name, overrides, expected) => {
    expect(parseAlbLine(alb(overrides))).toMatchObject(expected);
  });

  test.each([
    ['too few fields', 'http 2026-11-02T10:00:00Z a', "line: must have at least 14 ALB fields, '3 fields' given"],
    ['an unknown type', alb({ 0: 'ftp' }), "type: must be one of http, https, h2, grpcs, ws, wss, 'ftp' given"],
    ['a time without zone', alb({ 1: '2026-11-02T10:00:00' }), "time: must be an ISO 8601 time with a zone, '2026-11-02T10:00:00' given"],
    ['a bad status', alb({ 8: '20x' }), "elb_status_code: must be a 3-digit HTTP status or '-', '20x' given"],
    ['bad bytes', alb({ 11: '-5' }), "sent_bytes: must be a non-negative integer or '-', '-5' given"],
    ['a bad processing time', alb({ 6: 'soon' }), "target_processing_time: must be a number of seconds, 'soon' given"],
  ])('rejects %s', (_name, line, reason) => {
    expect(parseAlbLine(line)).toEqual({ reason });
  });
});

describe('CloudFront lines', () => {
  const row = (values: Readonly<Record<string, string>>, names: readonly string[] = CLOUDFRONT_FIELDS): string =>
    names.map((name) => values[name] ?? '-').join('\t');

  test('without a #Fields header the documented 33 fields are assumed; the user agent is URL-decoded, the path is not', () => {
    const parser = new CloudFrontParser();
    const line = row({
      date: '2026-11-03',
      time: '08:00:01',
      'c-ip': '::1',
      'cs-uri-stem': '/a%20b',
      'cs(User-Agent)': 'Mozilla/5.0%20(X)',
      'time-taken': '0.002',
    });
    expect(parser.parse(line)).toMatchObject({
      timestamp: '2026-11-03T08:00:01.000Z',
      client: '::1',
      path: '/a%20b',
      userAgent: 'Mozilla/5.0 (X)',
      latencyMs: 2,
      status: null,
    });
  });

  test('a #Fields line part-way changes the columns for the lines after it', () => {
    const parser = new CloudFrontParser();
    expect(parser.parse('#Version: 1.0')).toBeUndefined();
    expect(parser.parse('#Fields: sc-status time date c-ip')).toBeUndefined();
    expect(parser.parse('404\t09:00:00\t2026-11-03\t192.0.2.1')).toMatchObject({
      status: 404,
      client: '192.0.2.1',
      fields: { 'sc-status': '404', 'c-ip': '192.0.2.1' },
    });
    parser.parse('#Fields: date time sc-status');
    expect(parser.parse('2026-11-03\t09:00:01\t200')).toMatchObject({
      status: 200,
      client: null,
      fields: { date: '2026-11-03', time: '09:00:01', 'sc-status': '200' },
    });
  });

  test.each([
    ['a bad time', '2026-11-03\t25:00:00\t-\t-', "date, time: must be a UTC date YYYY-MM-DD and time HH:MM:SS, '2026-11-03 25:00:00' given"],
    ['a bad status', '2026-11-03\t08:00:00\t2000\t-', "sc-status: must be a 3-digit HTTP status or '-', '2000' given"],
    ['a bad time-taken', '2026-11-03\t08:00:00\t200\tx', "time-taken: must be a number of seconds, 'x' given"],
    ['too few fields', '2026-11-03', "line: must have 4 tab-separated fields like #Fields, '1 fields' given"],
  ])('rejects %s', (_name, line, reason) => {
    const parser = new CloudFrontParser();
    parser.parse('#Fields: date time sc-status time-taken');
    expect(parser.parse(line)).toEqual({ reason });
  });

  test('a #Fields list without date and time rejects each line', () => {
    const parser = new CloudFrontParser();
    parser.parse('#Fields: c-ip');
    expect(parser.parse('::1')).toEqual({ reason: "date, time: must be a UTC date YYYY-MM-DD and time HH:MM:SS, ' ' given" });
  });
});

describe('JSON lines', () => {
  const parse = jsonLineParser(parseAccessLogOptions({}).json, 'ms');

  test('default field names; epoch milliseconds; numeric strings; the whole object under fields', () => {
    const line = '{"timestamp":1793613600000,"status":"200","latency":"12.5","path":"/a?b","bytes":3,"client":"::1","method":"GET","userAgent":{"n":1}}';
    expect(parse(line)).toEqual({
      timestamp: '2026-11-02T10:00:00.000Z',
      client: '::1',
      method: 'GET',
      path: '/a',
      status: 200,
      bytes: 3,
      latencyMs: 12.5,
      userAgent: '{"n":1}',
      fields: JSON.parse(line),
    });
  });

  test('latency in seconds is converted; an object with its own reason field is still a record', () => {
    const seconds = jsonLineParser(parseAccessLogOptions({}).json, 's');
    expect(seconds('{"timestamp":"2026-11-03T08:00:00Z","latency":0.25,"reason":"x"}')).toMatchObject({ latencyMs: 250, status: null, path: null });
  });

  test.each([
    ['a missing timestamp', '{}', "timestamp: must be an ISO 8601 time with a zone or epoch milliseconds, 'null' given"],
    ['negative bytes', '{"timestamp":"2026-11-03T08:00:00Z","bytes":-1}', "bytes: must be a non-negative integer, '-1' given"],
    ['a latency that is no number', '{"timestamp":"2026-11-03T08:00:00Z","latency":true}', "latency: must be a non-negative number of ms, 'true' given"],
    ['a string', '"text"', 'line: must be a JSON object, \'"text"\' given'],
  ])('rejects %s', (_name, line, reason) => {
    expect(parse(line)).toEqual({ reason });
  });
});

describe('format detection and helpers', () => {
  test.each([
    ['#Version: 1.0', 'cloudfront'],
    ['#Fields: date time', 'cloudfront'],
    ['2026-11-03\t08:00:00\tSEA19', 'cloudfront'],
    ['{"a":1}', 'jsonl'],
    ['h2 2026-11-02T10:00:00.000000Z app/x', 'alb'],
    ['wss 2026-11-02T10:00:00.000000Z app/x', 'alb'],
    ['GET / HTTP/1.1', undefined],
  ])('%j is %s', (line, format) => {
    expect(detectFormat(line)).toBe(format);
  });

  test.each([
    ['https://h:443/a/b?x', '/a/b'],
    ['/a?x', '/a'],
    ['/a', '/a'],
    ['*', '*'],
  ])('the path of %j is %j', (target, path) => {
    expect(pathOfTarget(target)).toBe(path);
  });

  test.each([
    ['a%20b', 'a b'],
    ['100%', '100%'],
    ['plain', 'plain'],
  ])('urlDecoded(%j) is %j', (text, decoded) => {
    expect(urlDecoded(text)).toBe(decoded);
  });
});
