import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigError, RejectionError } from '../../../src/errors.js';
import accessLogs from '../../../src/processors/accessLogs.js';
import { MemorySink } from '../../helpers/memorySink.js';
import { chunkedStream, runProcessor } from '../../helpers/processorRun.js';
import { expectedSummaries, fixture, JSON_FIELDS } from './fixtures.js';

type FixtureName = keyof typeof expectedSummaries;
const OPTIONS: Record<FixtureName, Readonly<Record<string, unknown>>> = {
  'alb.log': { maxRejectRatio: 0.2 },
  'cloudfront.log': { maxRejectRatio: 0.2 },
  'app.jsonl': { maxRejectRatio: 0.2, ...JSON_FIELDS },
};
const run = (input: string | Uint8Array, options: Readonly<Record<string, unknown>> = { maxRejectRatio: 1 }, key = 'incoming/logs/a.log') =>
  runProcessor(accessLogs, key, typeof input === 'string' ? Buffer.from(input) : input, options);
const summaryOf = (sink: MemorySink): unknown => JSON.parse(sink.body('summary.json').toString('utf8'));

const ALB_LINE =
  'https 2026-11-02T10:00:00.123456Z app/lb/1 [2001:db8::7]:443 10.0.0.1:80 0.001 0.020 0.002 200 200 10 512 "GET https://example.com:443/a%20b?x=1 HTTP/1.1" "curl/8 (x)" - -';

describe.each(Object.keys(expectedSummaries) as FixtureName[])('access-logs: the %s fixture', (name) => {
  test.each([
    ['plain', 'incoming/logs/x.log', (bytes: Buffer) => bytes],
    ['gzip by extension', 'incoming/logs/x.log.gz', gzipSync],
    ['gzip by magic bytes', 'incoming/logs/x.log', gzipSync],
  ])('%s: the exact summary, counts and outputs (auto-detected)', async (_how, key, encode) => {
    const { summary, sink } = await run(encode(fixture(name)), OPTIONS[name], key);
    const expected = expectedSummaries[name];
    expect(summaryOf(sink)).toEqual(expected);
    expect(summary.counts).toEqual({
      linesIn: expected.lines.in,
      linesOut: expected.lines.out,
      linesRejected: expected.lines.rejected,
      requests2xx: expected.requests.byStatusClass['2xx'],
      requests3xx: expected.requests.byStatusClass['3xx'],
      requests4xx: expected.requests.byStatusClass['4xx'],
      requests5xx: expected.requests.byStatusClass['5xx'],
      bytesSent: expected.bytesSent,
    });
    expect(sink.names()).toEqual(['records.ndjson.gz', 'rejects.ndjson.gz', 'summary.json']);
    expect(sink.ndjson('records.ndjson.gz')).toHaveLength(expected.lines.out);
    expect(sink.ndjson('rejects.ndjson.gz')).toHaveLength(expected.lines.rejected);
  });

  test('the format named in the options gives the same result', async () => {
    const { sink } = await run(fixture(name), { ...OPTIONS[name], format: expectedSummaries[name].format });
    expect(summaryOf(sink)).toEqual(expectedSummaries[name]);
  });

  test('outputs do not depend on how the bytes are chunked, even inside a UTF-8 character', async () => {
    const bytes = fixture(name);
    const whole = (await run(bytes, OPTIONS[name])).sink;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 211 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const { sink } = await runProcessor(accessLogs, 'incoming/logs/x.log', chunkedStream(bytes, sizes), OPTIONS[name]);
        expect(sink.ndjson('records.ndjson.gz')).toEqual(whole.ndjson('records.ndjson.gz'));
        expect(sink.ndjson('rejects.ndjson.gz')).toEqual(whole.ndjson('rejects.ndjson.gz'));
        expect(summaryOf(sink)).toEqual(summaryOf(whole));
      }),
      { numRuns: 40 },
    );
  });
});

describe.each(Object.keys(expectedSummaries) as FixtureName[])("access-logs: the %s fixture with sourceFields 'none'", (name) => {
  const none = { ...OPTIONS[name], sourceFields: 'none' };

  test('writes exactly the expected records: the eight normalized columns and nothing else', async () => {
    const { sink } = await run(fixture(name), none);
    const expected = fixture(name.replace(/\.[a-z]+$/, '.records-none.ndjson')).toString('utf8');
    expect(gunzipSync(sink.body('records.ndjson.gz')).toString('utf8')).toBe(expected);
  });

  test("the records are the 'all' records without their fields, and the summary and rejects are the same", async () => {
    const [all, { sink }] = await Promise.all([run(fixture(name), OPTIONS[name]), run(fixture(name), none)]);
    const withoutFields = all.sink.ndjson('records.ndjson.gz').map((record) => ({ ...(record as object), fields: undefined }));
    expect(sink.ndjson('records.ndjson.gz')).toStrictEqual(JSON.parse(JSON.stringify(withoutFields)));
    expect(sink.ndjson('rejects.ndjson.gz')).toEqual(all.sink.ndjson('rejects.ndjson.gz'));
    expect(summaryOf(sink)).toEqual(summaryOf(all.sink));
  });
});

describe('access-logs: records and rejects', () => {
  test('an ALB line becomes the normalized record with its source fields under their own names', async () => {
    const { sink } = await run(`${ALB_LINE}\n`);
    expect(sink.ndjson('records.ndjson.gz')).toEqual([
      {
        timestamp: '2026-11-02T10:00:00.123Z',
        client: '2001:db8::7',
        method: 'GET',
        path: '/a%20b',
        status: 200,
        bytes: 512,
        latencyMs: 23,
        userAgent: 'curl/8 (x)',
        fields: expect.objectContaining({ 'client:port': '[2001:db8::7]:443', request: 'GET https://example.com:443/a%20b?x=1 HTTP/1.1', ssl_cipher: null }),
      },
    ]);
    expect(sink.names()).toEqual(['records.ndjson.gz', 'summary.json']);
  });

  test('the fixture rejects carry their line number, reason and text', async () => {
    const { sink } = await run(fixture('app.jsonl'), OPTIONS['app.jsonl']);
    expect(sink.ndjson('rejects.ndjson.gz')).toEqual([
      { line: 6, reason: "ts: must be an ISO 8601 time with a zone or epoch milliseconds, 'yesterday' given", text: '{"ts": "yesterday", "code": 200}' },
      { line: 13, reason: "line: must be a JSON object, '[1,2,3]' given", text: '[1,2,3]' },
      { line: 14, reason: "code: must be an HTTP status 0–999, 'ok' given", text: '{"ts": "2026-11-04T12:00:00Z", "code": "ok"}' },
      { line: 21, reason: expect.stringMatching(/^line: must be valid JSON \(.*\), '\{not json' given$/), text: '{not json' },
    ]);
  });

  test.each([
    ['zero bytes', ''],
    ['blank lines only', '\n\r\n  \n'],
    ['CloudFront headers only', '#Version: 1.0\n#Fields: date time\n'],
  ])('%s gives zero lines and an empty summary', async (_name, text) => {
    const { summary, sink } = await run(text);
    expect(summary.counts).toMatchObject({ linesIn: 0, linesOut: 0, linesRejected: 0, bytesSent: 0 });
    expect(summaryOf(sink)).toMatchObject({ latencyMs: { count: 0, p50: null, p90: null, p99: null }, timestamps: { first: null, last: null } });
  });

  test('CRLF line ends, a BOM and no final newline are accepted', async () => {
    const { summary } = await run(`\uFEFF${ALB_LINE}\r\n${ALB_LINE}`);
    expect(summary.counts).toMatchObject({ linesIn: 2, linesOut: 2 });
  });

  test('maxLineLength counts characters, not UTF-8 bytes, on a line split across chunks', async () => {
    const line = ALB_LINE.replace('curl/8 (x)', 'é'.repeat(60));
    const bytes = Buffer.from(`${line}\n${ALB_LINE}\n`);
    const maxLineLength = line.length;
    expect(Buffer.byteLength(line)).toBeGreaterThan(maxLineLength);
    const { summary, sink } = await runProcessor(accessLogs, 'incoming/logs/x.log', chunkedStream(bytes, [7]), { maxLineLength });
    expect(summary.counts).toMatchObject({ linesIn: 2, linesOut: 2 });
    expect(sink.ndjson('records.ndjson.gz')).toMatchObject([{ userAgent: 'é'.repeat(60) }, { userAgent: 'curl/8 (x)' }]);
  });

  test('plain ALB lines (fast path) and lines needing decoding or unescaping (general path) keep their order', async () => {
    const lines = [ALB_LINE, ALB_LINE.replace('curl/8 (x)', 'café'), ALB_LINE.replace('curl/8 (x)', 'say \\"hi\\"'), ALB_LINE];
    const { sink } = await run(`${lines.join('\n')}\n`, { format: 'alb' });
    expect(sink.ndjson('records.ndjson.gz')).toMatchObject([
      { userAgent: 'curl/8 (x)' },
      { userAgent: 'café' },
      { userAgent: 'say "hi"' },
      { userAgent: 'curl/8 (x)' },
    ]);
  });
});

describe("access-logs: compression 'zstd'", () => {
  test('writes records.ndjson.zst and rejects.ndjson.zst with the records and rejects of gzip, and the same summary', async () => {
    const gzipped = (await run(fixture('alb.log'), OPTIONS['alb.log'])).sink;
    const { sink } = await run(fixture('alb.log'), { ...OPTIONS['alb.log'], compression: 'zstd' });
    expect(sink.names()).toEqual(['records.ndjson.zst', 'rejects.ndjson.zst', 'summary.json']);
    expect(sink.ndjson('records.ndjson.zst')).toEqual(gzipped.ndjson('records.ndjson.gz'));
    expect(sink.ndjson('rejects.ndjson.zst')).toEqual(gzipped.ndjson('rejects.ndjson.gz'));
    expect(summaryOf(sink)).toEqual(summaryOf(gzipped));
  });

  test('the reject-ratio reason names the zstd rejects output', async () => {
    await expect(run(`${ALB_LINE}\nnot a log line\n`, { format: 'alb', maxRejectRatio: 0.4, compression: 'zstd' })).rejects.toThrow(
      new RejectionError('access-logs lines: reject ratio must be at most 0.4, 0.5000 given (1 of 2 lines rejected, see rejects.ndjson.zst)'),
    );
  });
});

describe('access-logs: rejected files', () => {
  test.each([
    [
      'more bad lines than maxRejectRatio',
      `${ALB_LINE}\nnot a log line\n`,
      { format: 'alb', maxRejectRatio: 0.4 },
      'access-logs lines: reject ratio must be at most 0.4, 0.5000 given (1 of 2 lines rejected, see rejects.ndjson.gz)',
    ],
    [
      'an undetectable first line',
      'hello world\n',
      {},
      "format: the first line must start like an ALB, CloudFront or JSON-lines log (or set options.format), 'hello world' given",
    ],
    ['a line over maxLineLength', `${ALB_LINE}\n`, { maxLineLength: 100 }, 'line 1: length must be at most 100 characters, more given'],
    ['an unterminated line over maxLineLength', 'x'.repeat(300), { maxLineLength: 100 }, 'line 1: length must be at most 100 characters, more given'],
    [
      'a 1 MB line over maxLineLength that never ends',
      'x'.repeat(1_000_000),
      { maxLineLength: 100 },
      'line 1: length must be at most 100 characters, more given',
    ],
    ['more lines than maxLines', `${ALB_LINE}\n${ALB_LINE}\n`, { maxLines: 1 }, 'access-logs: lines must be at most 1, more given'],
    [
      'more bytes than maxDecompressedBytes',
      `${ALB_LINE}\n`,
      { maxDecompressedBytes: 50 },
      'access-logs: decompressed size must be at most 50 bytes, more given',
    ],
  ])('%s', async (_name, text, options, reason) => {
    await expect(run(text, options)).rejects.toThrow(new RejectionError(reason));
  });

  test('past 100,000 bad lines the file is rejected, as for CSV, instead of copying them all to rejects', async () => {
    await expect(run(`${ALB_LINE}\n${'http nonsense\n'.repeat(100_001)}`, { format: 'alb', maxRejectRatio: 1 })).rejects.toThrow(
      new RejectionError('access-logs lines: rejected lines must be at most 100000 per file, more given; the route option maxRejectedLines raises the cap'),
    );
  });

  test('a truncated gzip stream is rejected with zlib’s reason', async () => {
    const gzipped = gzipSync(fixture('alb.log'));
    await expect(run(gzipped.subarray(0, gzipped.length - 20), {}, 'incoming/logs/a.log.gz')).rejects.toThrow(/^gzip: input must be a complete gzip stream/);
  });

  test('an unknown option is a ConfigError naming it', async () => {
    await expect(run('', { formt: 'alb' })).rejects.toThrow(ConfigError);
  });

  test.each(['records.ndjson.gz', 'rejects.ndjson.gz', 'summary.json'])('a failing sink write of %s fails the run instead of hanging', async (failing) => {
    const sink = new MemorySink();
    const write = sink.write.bind(sink);
    sink.write = async (name, body, type) => (name === failing ? Promise.reject(new Error(`S3 said no to ${name}`)) : write(name, body, type));
    const input = Buffer.from(`${ALB_LINE}\n${'http nonsense\n'.repeat(10_000)}`);
    await expect(runProcessor(accessLogs, 'incoming/logs/a.log', input, { format: 'alb', maxRejectRatio: 1 }, sink)).rejects.toThrow(
      `S3 said no to ${failing}`,
    );
  });
});
