import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { RejectionError } from '../../src/errors.js';
import csvToNdjson from '../../src/processors/csvToNdjson.js';
import { MIN_SAMPLE_MS, TimeBudgetCheck } from '../../src/processors/timeBudget.js';
import { MemorySink } from '../helpers/memorySink.js';
import { orderLine, ordersHeader } from '../helpers/orders.js';
import { sourceObject } from '../helpers/processorRun.js';

const CHUNK = 64 * 1024;

/** Streams `chunks` chunks through the check, the fake clock moving `msPerChunk` before each. */
const runCheck = async (options: { totalBytes: number; deadlineMs: number | undefined; msPerChunk: number; chunks: number }): Promise<number> => {
  let now = 1_000_000;
  const check = new TimeBudgetCheck({
    totalBytes: options.totalBytes,
    deadline: options.deadlineMs === undefined ? undefined : now + options.deadlineMs,
    now: () => now,
  });
  let passed = 0;
  async function* source(): AsyncGenerator<Buffer> {
    for (let i = 0; i < options.chunks; i++) {
      now += options.msPerChunk;
      yield Buffer.alloc(CHUNK);
    }
  }
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      passed += chunk.length;
      callback();
    },
  });
  await pipeline(Readable.from(source()), check, sink);
  return passed;
};

describe('TimeBudgetCheck', () => {
  test('rejects a file that cannot finish before the deadline, saying how to raise the limit', async () => {
    // 100 chunks would take 100 s; 10 s are given.
    const run = runCheck({ totalBytes: 100 * CHUNK, deadlineMs: 10_000, msPerChunk: 1000, chunks: 100 });
    await expect(run).rejects.toBeInstanceOf(RejectionError);
    await expect(runCheck({ totalBytes: 100 * CHUNK, deadlineMs: 10_000, msPerChunk: 1000, chunks: 100 })).rejects.toThrow(
      /processing time: must end before the worker's timeout, 6\.6 MB at the 0\.1 MB\/s measured would need 100 s, 10 s given; raise WORKER_TIMEOUT_SECONDS, or LAMBDA_MEMORY_MB .*MAX_OBJECT_BYTES/,
    );
  });

  test('passes a file that will finish in time, every byte unchanged', async () => {
    expect(await runCheck({ totalBytes: 100 * CHUNK, deadlineMs: 60_000, msPerChunk: 500, chunks: 100 })).toBe(100 * CHUNK);
  });

  test(`gives no verdict on less than ${MIN_SAMPLE_MS} ms of sample, however slow the start`, async () => {
    // A slow start (1.9 s for one chunk of 1000) would project far past the deadline; it is only a sample of one.
    expect(await runCheck({ totalBytes: 1000 * CHUNK, deadlineMs: 10_000, msPerChunk: MIN_SAMPLE_MS - 100, chunks: 1 })).toBe(CHUNK);
  });

  test('never rejects without a deadline', async () => {
    expect(await runCheck({ totalBytes: 100 * CHUNK, deadlineMs: undefined, msPerChunk: 1000, chunks: 100 })).toBe(100 * CHUNK);
  });
});

describe('csv-to-ndjson with a deadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a file too slow for the time left is a rejection, not an abort into retries', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const row = Buffer.from(`${orderLine()}\n`.repeat(Math.ceil(CHUNK / 80)));
    async function* slowBody(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${ordersHeader()}\n`);
      for (let i = 0; i < 100; i++) {
        vi.setSystemTime(Date.now() + 1000);
        yield row;
      }
    }
    const context = {
      source: sourceObject({ key: 'incoming/orders/slow.csv', size: 100 * row.length }),
      options: { schema: 'orders' },
      signal: new AbortController().signal,
      deadline: Date.now() + 20_000,
    };
    await expect(csvToNdjson.process(Readable.from(slowBody()), context, new MemorySink())).rejects.toThrow(
      /processing time: must end before the worker's timeout/,
    );
  });
});
