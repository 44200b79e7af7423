/**
 * (c) Linear time on any input: csv-to-ndjson on 64 MiB of each hostile shape, against 64 MiB
 * of valid rows, in one process. Each input is one 64 KiB chunk repeated (plus a header and a
 * tail), so generating it costs nothing; the goal is ≤ 2 × the valid rows' time, or a rejection
 * sooner (issue 11: 64 MiB of newlines took 26 s against 2.2 s).
 */
import { Readable } from 'node:stream';
import { RejectionError } from '../../src/errors.js';
import csvToNdjson from '../../src/processors/csvToNdjson.js';
import { DiscardSink } from './discardSink.js';

const CHUNK = 64 * 1024;
const HEADER = 'order_id,customer_id,order_date,status,sku,quantity,unit_price,currency,shipped_at,note';
const ROW = 'ORD-1,CUST-1,2026-10-02,paid,SKU-1,2,12.99,EUR,2026-10-02T12:34:56Z,leave at door';

/** `unit` repeated to fill one chunk, whole units only. */
const fill = (unit: string): Buffer => Buffer.from(unit.repeat(Math.max(1, Math.floor(CHUNK / unit.length))));

interface Shape {
  readonly name: string;
  readonly head: string;
  readonly body: Buffer;
  readonly tail?: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

const WIDE_HEADER = [HEADER, ...Array.from({ length: 9990 }, (_, i) => `extra_${i}`)].join(',');

export const SHAPES: readonly Shape[] = [
  { name: 'valid rows (baseline)', head: `${HEADER}\n`, body: fill(`${ROW}\n`) },
  { name: 'blank lines (LF)', head: `${HEADER}\n`, body: fill('\n') },
  { name: 'blank lines (CRLF)', head: `${HEADER}\n`, body: fill('\r\n') },
  { name: 'one huge quoted field', head: `${HEADER}\nA-1,C-1,2026-10-02,paid,S,1,1,EUR,,"`, body: fill('x'), tail: '"\n' },
  {
    name: 'one huge quoted field, maxRecordLength 512 MiB',
    head: `${HEADER}\nA-1,C-1,2026-10-02,paid,S,1,1,EUR,,"`,
    body: fill('x'),
    tail: '"\n',
    options: { maxRecordLength: 512 * 1024 ** 2, maxFieldLength: 512 * 1024 ** 2, maxRejectRatio: 1 },
  },
  { name: 'unbalanced quote, then valid rows', head: `${HEADER}\nA-1,C-1,2026-10-02,paid,S,1,1,EUR,,"open\n`, body: fill(`${ROW}\n`) },
  { name: '1-column rows', head: `${HEADER}\n`, body: fill('x\n') },
  { name: '1-column rows, maxRejectRatio 1 (every row to rejects)', head: `${HEADER}\n`, body: fill('x\n'), options: { maxRejectRatio: 1 } },
  { name: '10,000-column rows', head: `${WIDE_HEADER}\n`, body: fill(`${ROW}${','.repeat(9990)}\n`) },
  { name: 'CR-only line endings', head: `${HEADER}\r`, body: fill(`${ROW}\r`) },
];

export interface ShapeResult {
  readonly name: string;
  readonly seconds: number;
  readonly outcome: string;
}

const runShape = async (shape: Shape, bytes: number): Promise<ShapeResult> => {
  const repeats = Math.ceil(bytes / shape.body.length);
  function* chunks(): Generator<Buffer> {
    yield Buffer.from(shape.head);
    for (let i = 0; i < repeats; i++) yield shape.body;
    if (shape.tail !== undefined) yield Buffer.from(shape.tail);
  }
  const context = {
    source: { bucket: 'bench', key: 'shape.csv', size: bytes, sequencer: '0' },
    options: { schema: 'orders', ...shape.options },
    signal: new AbortController().signal,
  };
  const start = process.hrtime.bigint();
  let outcome: string;
  try {
    const { counts } = await csvToNdjson.process(Readable.from(chunks(), { objectMode: false }), context, new DiscardSink());
    outcome = `${counts.rowsOut} rows out, ${counts.rowsRejected} rejected`;
  } catch (error: unknown) {
    if (!(error instanceof RejectionError)) throw error;
    outcome = `rejected: ${error.message.length > 90 ? `${error.message.slice(0, 90)}…` : error.message}`;
  }
  return { name: shape.name, seconds: Number(process.hrtime.bigint() - start) / 1e9, outcome };
};

/** Every shape once, in order; the first is the valid-rows baseline. */
export const csvShapes = async (bytes: number): Promise<ShapeResult[]> => {
  const results: ShapeResult[] = [];
  for (const shape of SHAPES) results.push(await runShape(shape, bytes));
  return results;
};
