import { gzipSync, zstdDecompressSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigError, RejectionError } from '../../src/errors.js';
import csvToNdjson from '../../src/processors/csvToNdjson.js';
import { MemorySink } from '../helpers/memorySink.js';
import { expectedOrder, orderLine, ordersCsv, ordersHeader } from '../helpers/orders.js';
import { chunkedStream, processorContext, runProcessor } from '../helpers/processorRun.js';

const ORDERS = { schema: 'orders', maxRejectRatio: 0.5 } as const;
const run = (input: string | Uint8Array, options: Readonly<Record<string, unknown>> = ORDERS, key = 'incoming/orders/day.csv') =>
  runProcessor(csvToNdjson, key, typeof input === 'string' ? Buffer.from(input) : input, options);

describe('csv-to-ndjson: accepted files', () => {
  test.each([
    ['LF', ordersCsv([{}, {}])],
    ['CRLF', ordersCsv([{}, {}], { eol: '\r\n' })],
    ['UTF-8 BOM', `\uFEFF${ordersCsv([{}, {}])}`],
    ['no final newline', ordersCsv([{}, {}]).trimEnd()],
    ['empty lines', ordersCsv([{}, {}]).replace('\n', '\n\n\r\n')],
  ])('%s', async (_name, csv) => {
    const { summary, sink } = await run(csv);
    expect(summary.counts).toEqual({ rowsIn: 2, rowsOut: 2, rowsRejected: 0 });
    expect(sink.ndjson('rows.ndjson.gz')).toEqual([expectedOrder(1), expectedOrder(2)]);
    expect(sink.names()).toEqual(['rows.ndjson.gz']);
  });

  test.each([
    ['embedded comma', 'a, b'],
    ['embedded quotes', 'he said "hi"'],
    ['embedded LF', 'line 1\nline 2'],
    ['embedded CRLF', 'line 1\r\nline 2'],
    ['unicode', 'Grüße 日本 😀'],
    ['JSON specials', 'back\\slash\ttab'],
  ])('a quoted note with %s', async (_name, note) => {
    const { sink } = await run(ordersCsv([{ note }]));
    expect(sink.ndjson('rows.ndjson.gz')).toEqual([{ ...expectedOrder(1), note }]);
  });

  test.each([
    ['gzip by extension', 'incoming/orders/day.csv.gz'],
    ['gzip by magic bytes', 'incoming/orders/day.csv'],
  ])('%s', async (_name, key) => {
    const { summary } = await run(gzipSync(ordersCsv([{}, {}, {}])), ORDERS, key);
    expect(summary.counts).toEqual({ rowsIn: 3, rowsOut: 3, rowsRejected: 0 });
  });

  test.each([
    ['header only', `${ordersHeader()}\n`],
    ['header only, no newline', ordersHeader()],
    ['header only, CRLF and a BOM', `\uFEFF${ordersHeader()}\r\n`],
  ])('%s gives zero rows', async (_name, csv) => {
    const { summary, sink } = await run(csv);
    expect(summary.counts).toEqual({ rowsIn: 0, rowsOut: 0, rowsRejected: 0 });
    expect(sink.ndjson('rows.ndjson.gz')).toEqual([]);
  });

  test("a ';' delimiter", async () => {
    const { sink } = await run(ordersCsv([{ note: 'a;b' }], { delimiter: ';' }), { ...ORDERS, delimiter: ';' });
    expect(sink.ndjson('rows.ndjson.gz')).toEqual([{ ...expectedOrder(1), note: 'a;b' }]);
  });

  test('columns in another order, optional ones missing', async () => {
    const csv = 'currency,unit_price,quantity,sku,status,order_date,customer_id,order_id\nEUR,12.50,2,SKU-1,paid,2026-11-02,C-1,A-1\n';
    const { sink } = await run(csv);
    expect(sink.ndjson('rows.ndjson.gz')).toEqual([expectedOrder(1)]);
  });
});

describe('csv-to-ndjson: text rules', () => {
  const withNote = (note: Buffer): Buffer =>
    Buffer.concat([
      Buffer.from(`${ordersHeader()}\n${orderLine({}, 1)}\n${orderLine({ note: 'x' }, 2).slice(0, -1)}`),
      note,
      Buffer.from(`\n${orderLine({}, 3)}\n`),
    ]);

  test.each([
    ['invalid UTF-8', Buffer.from([0x61, 0xff, 0x62]), 'note: must be valid UTF-8 text, invalid bytes given', 'a\uFFFDb'],
    ['a truncated UTF-8 character', Buffer.from([0xe2, 0x82]), 'note: must be valid UTF-8 text, invalid bytes given', '\uFFFD'],
    ['a NUL byte', Buffer.from([0x61, 0x00]), 'note: must not contain NUL bytes, a NUL byte given', 'a\u0000'],
  ])('a row with %s is rejected with its reason', async (_name, note, reason, decoded) => {
    const { summary, sink } = await run(withNote(note));
    expect(summary.counts).toEqual({ rowsIn: 3, rowsOut: 2, rowsRejected: 1 });
    expect(sink.ndjson('rejects.ndjson.gz')).toEqual([{ row: 2, line: 3, reason, fields: [...orderLine({}, 2).split(',').slice(0, 9), decoded] }]);
  });

  test.each([
    ['invalid UTF-8 replaced by U+FFFD', Buffer.from([0x61, 0xff]), { invalidUtf8: 'replace' }, 'a\uFFFD'],
    ['a NUL byte kept', Buffer.from([0x61, 0x00]), { nulBytes: 'keep' }, 'a\u0000'],
  ])('with the option, %s', async (_name, note, options, expected) => {
    const { summary, sink } = await run(withNote(note), { ...ORDERS, ...options });
    expect(summary.counts).toEqual({ rowsIn: 3, rowsOut: 3, rowsRejected: 0 });
    expect(sink.ndjson('rows.ndjson.gz')[1]).toEqual({ ...expectedOrder(2), note: expected });
  });

  test.each([
    ['zero bytes', '', /csv header: must contain the orders columns order_id, .*, an empty file given/],
    ['only blank lines and a BOM', '\uFEFF\n\r\n\n', /an empty file given/],
    ['a header missing a column', 'order_id,customer_id\n', /csv header: must contain the orders columns order_date/],
    [
      'CR-only line endings',
      ordersCsv([{}, {}], { eol: '\r' }),
      'csv header: line endings must be LF or CRLF, CR alone given (a file saved with classic Mac OS line endings?)',
    ],
    [
      'a header with invalid UTF-8',
      Buffer.concat([Buffer.from('order_id\xff'), Buffer.from([0xff]), Buffer.from('\n')]),
      'csv header: must be valid UTF-8 text, invalid bytes given',
    ],
  ])('%s: rejected, naming the header problem', async (_name, input, message) => {
    await expect(run(input)).rejects.toThrow(message);
    await expect(run(input)).rejects.toBeInstanceOf(RejectionError);
  });

  test('a large CR-only file says so too, as soon as the first record passes maxRecordLength', async () => {
    const csv = ordersCsv(
      Array.from({ length: 100 }, () => ({})),
      { eol: '\r' },
    );
    await expect(run(csv, { ...ORDERS, maxRecordLength: 1000, maxFieldLength: 1000 })).rejects.toThrow(/line endings must be LF or CRLF, CR alone given/);
  });
});

describe('csv-to-ndjson: zstd', () => {
  test("compression: 'zstd' writes rows.ndjson.zst and rejects.ndjson.zst", async () => {
    const { sink } = await run(ordersCsv([{}, { quantity: 'x' }]), { ...ORDERS, compression: 'zstd' });
    expect(sink.names()).toEqual(['rejects.ndjson.zst', 'rows.ndjson.zst']);
    const rows = zstdDecompressSync(sink.body('rows.ndjson.zst')).toString('utf8');
    expect(rows.endsWith('\n')).toBe(true);
    expect(JSON.parse(rows)).toEqual(expectedOrder(1));
    expect(zstdDecompressSync(sink.body('rejects.ndjson.zst')).toString('utf8')).toContain('quantity: must be an integer');
  });

  test('the reject-ratio rejection points at the .zst rejects', async () => {
    await expect(run(ordersCsv([{}, { quantity: 'x' }, { quantity: 'y' }]), { schema: 'orders', compression: 'zstd', maxRejectRatio: 0.5 })).rejects.toThrow(
      /see rejects\.ndjson\.zst/,
    );
  });
});

describe('csv-to-ndjson: rejected rows', () => {
  test.each([
    ['too few fields', `${orderLine().split(',').slice(0, 9).join(',')}`, 'row: must have 10 fields like the header, 9 given'],
    ['too many fields', `${orderLine()},extra`, 'row: must have 10 fields like the header, 11 given'],
    ['a bad integer', orderLine({ quantity: 'two' }), "quantity: must be an integer between 1 and 100000, 'two' given"],
    ['a missing required value', orderLine({ sku: '' }), "sku: is required, '' given"],
    ['an impossible date', orderLine({ order_date: '2026-02-30' }), "order_date: must be a calendar date YYYY-MM-DD, '2026-02-30' given"],
    ['an unknown status', orderLine({ status: 'lost' }), "status: must be one of pending, paid, shipped, cancelled, refunded, 'lost' given"],
  ])('%s goes to rejects.ndjson.gz with its row, line and reason', async (_name, badLine, reason) => {
    const csv = `${ordersHeader()}\n${orderLine({}, 1)}\n${badLine}\n${orderLine({}, 3)}\n`;
    const { summary, sink } = await run(csv);
    expect(summary.counts).toEqual({ rowsIn: 3, rowsOut: 2, rowsRejected: 1 });
    expect(sink.ndjson('rejects.ndjson.gz')).toEqual([{ row: 2, line: 3, reason, fields: badLine.split(',') }]);
  });

  test('the file is rejected when the reject ratio passes maxRejectRatio', async () => {
    const csv = ordersCsv([{}, { quantity: '0' }, { quantity: '-1' }]);
    await expect(run(csv, { schema: 'orders', maxRejectRatio: 0.5 })).rejects.toThrow(
      new RejectionError('csv rows: reject ratio must be at most 0.5, 0.6667 given (2 of 3 rows rejected, see rejects.ndjson.gz)'),
    );
  });

  test('past maxRejectedRows bad rows the file is rejected, naming the one too many and the option', async () => {
    const csv = ordersCsv([{}, { quantity: 'x' }, {}, { quantity: 'y' }, { quantity: 'z' }]);
    const { summary } = await run(csv, { schema: 'orders', maxRejectRatio: 1, maxRejectedRows: 3 });
    expect(summary.counts).toEqual({ rowsIn: 5, rowsOut: 2, rowsRejected: 3 });
    await expect(run(csv, { schema: 'orders', maxRejectRatio: 1, maxRejectedRows: 2 })).rejects.toThrow(
      new RejectionError(
        "csv rows: rejected rows must be at most 2 per file, more given (row 5, line 6: quantity: must be an integer between 1 and 100000, 'z' given); the route option maxRejectedRows raises the cap",
      ),
    );
  });

  test('by default a file of bad rows is rejected at the 100,001st, not copied to rejects whole', async () => {
    const csv = `${ordersHeader()}\n${'x\n'.repeat(200_000)}`;
    await expect(run(csv, { schema: 'orders', maxRejectRatio: 1 })).rejects.toThrow(
      'csv rows: rejected rows must be at most 100000 per file, more given (row 100001, line 100002: row: must have 10 fields like the header, 1 given)',
    );
  });

  test('the default maxRejectRatio is 0: the first bad row rejects the file, with its reason', async () => {
    await expect(run(ordersCsv([{}, { currency: 'euro' }, {}]), { schema: 'orders' })).rejects.toThrow(
      "csv rows: reject ratio must be at most 0, a bad row given (row 2, line 3: currency: must be a string matching /^[A-Z]{3}$/, 'euro' given)",
    );
  });
});

describe('csv-to-ndjson: rejected files', () => {
  const bomb = gzipSync(Buffer.alloc(4 * 1024 ** 2, 'a'));
  const complete = gzipSync(ordersCsv(Array.from({ length: 200 }, () => ({}))));

  test.each([
    ['a gzip bomb', bomb, { maxDecompressedBytes: 1024 ** 2 }, /decompressed size must be at most 1048576 bytes/],
    ['truncated gzip', complete.subarray(0, complete.length - 20), {}, /gzip: input must be a complete gzip stream, truncated stream given/],
    ['corrupt gzip', Buffer.concat([complete.subarray(0, 10), Buffer.alloc(100, 0xff)]), {}, /gzip: input must be valid gzip data/],
    ['too many rows', Buffer.from(ordersCsv([{}, {}, {}])), { maxRows: 2 }, /rows must be at most 2, more given/],
    [
      'an over-long record',
      Buffer.from(ordersCsv([{ note: 'n'.repeat(500) }])),
      { maxRecordLength: 400, maxFieldLength: 400 },
      /records must be at most 400 characters/,
    ],
    ['an over-long field', Buffer.from(ordersCsv([{ note: 'n'.repeat(300) }])), { maxFieldLength: 200 }, /fields must be at most 200 characters, 300 given/],
    ['an unterminated quote', Buffer.from(`${ordersCsv([{}])}"A-2,C-1`), {}, /quoted field must be closed/],
    ['a missing required column', Buffer.from('order_id,sku\nA-1,S\n'), {}, /csv header: must contain the orders columns customer_id, order_date/],
    ['a duplicated column', Buffer.from(`${ordersHeader()},sku\n`), {}, /column names must be unique, 'sku' given twice/],
  ])('%s', async (_name, input, options, message) => {
    await expect(run(input, { ...ORDERS, ...options })).rejects.toThrow(message);
    await expect(run(input, { ...ORDERS, ...options })).rejects.toBeInstanceOf(RejectionError);
  });

  test.each([
    [{ schema: 'invoices' }, "csv-to-ndjson options.schema: must be one of orders, 'invoices' given"],
    [{}, "csv-to-ndjson options.schema: must be one of orders, 'undefined' given"],
    [{ schema: 'orders', delimiter: '"' }, `csv-to-ndjson options.delimiter: must be one character other than '"', CR and LF, '"' given`],
    [{ schema: 'orders', maxRejectRatio: 2 }, "csv-to-ndjson options.maxRejectRatio: must be a number between 0 and 1, '2' given"],
    [{ schema: 'orders', maxRow: 5 }, /options.maxRow: must be one of schema, delimiter/],
    [{ schema: 'orders', compression: 'brotli' }, "csv-to-ndjson options.compression: must be one of gzip, zstd, 'brotli' given"],
    [{ schema: 'orders', invalidUtf8: 'drop' }, "csv-to-ndjson options.invalidUtf8: must be one of reject, replace, 'drop' given"],
  ])('options %j are a ConfigError', async (options, message) => {
    await expect(run(ordersCsv([{}]), options)).rejects.toThrow(message);
    await expect(run(ordersCsv([{}]), options)).rejects.toBeInstanceOf(ConfigError);
  });

  test('an aborted signal stops the pipeline', async () => {
    const controller = new AbortController();
    controller.abort();
    const input = chunkedStream(Buffer.from(ordersCsv([{}])));
    await expect(csvToNdjson.process(input, processorContext('a.csv', ORDERS, controller.signal), new MemorySink())).rejects.toThrow(/abort/i);
  });
});

describe('csv-to-ndjson: outputs', () => {
  test('a .gz key whose bytes are not gzip is rejected', async () => {
    await expect(run(ordersCsv([{}]), ORDERS, 'incoming/orders/day.csv.gz')).rejects.toThrow(/gzip: input must be valid gzip data/);
  });

  test('many rejects stream through without deadlock (backpressure on rejects.ndjson.gz)', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => (i % 2 === 0 ? {} : { quantity: 'x' }));
    const { summary, sink } = await run(ordersCsv(rows), { schema: 'orders', maxRejectRatio: 1 });
    expect(summary.counts).toEqual({ rowsIn: 20_000, rowsOut: 10_000, rowsRejected: 10_000 });
    expect(sink.ndjson('rejects.ndjson.gz')).toHaveLength(10_000);
  });

  test.each(['rows.ndjson.gz', 'rejects.ndjson.gz'])('a failing sink write of %s fails the run instead of hanging', async (failing) => {
    const sink = new MemorySink();
    const write = sink.write.bind(sink);
    sink.write = async (name, body, type) => (name === failing ? Promise.reject(new Error(`S3 said no to ${name}`)) : write(name, body, type));
    const input = Buffer.from(ordersCsv(Array.from({ length: 5000 }, () => ({ quantity: 'x' }))));
    await expect(runProcessor(csvToNdjson, 'a.csv', input, { schema: 'orders', maxRejectRatio: 1 }, sink)).rejects.toThrow(`S3 said no to ${failing}`);
  });
});

describe('csv-to-ndjson: chunking', () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({ note: i % 3 === 0 ? `ü "q", 😀\r\nline ${i}` : '' }));
  const bytes = Buffer.from(`\uFEFF${ordersCsv(rows, { eol: '\r\n' })}`);

  test('outputs do not depend on how the bytes are chunked, even inside a UTF-8 character', async () => {
    const whole = (await run(bytes)).sink.ndjson('rows.ndjson.gz');
    expect(whole).toHaveLength(30);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const { sink } = await runProcessor(csvToNdjson, 'a.csv', chunkedStream(bytes, sizes), ORDERS);
        expect(sink.ndjson('rows.ndjson.gz')).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });
});
