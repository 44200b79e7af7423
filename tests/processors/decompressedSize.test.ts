import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { RejectionError } from '../../src/errors.js';
import accessLogs from '../../src/processors/accessLogs.js';
import { DecompressedSizeCheck, MIN_INFLATED_BYTES } from '../../src/processors/decompressedSize.js';
import csvToNdjson from '../../src/processors/csvToNdjson.js';
import { ordersHeader } from '../helpers/orders.js';
import { runProcessor } from '../helpers/processorRun.js';

const MiB = 1024 ** 2;

/** Passes `inflated` bytes in 1 MiB chunks through the check, as if `compressed` bytes had been read. */
const check = async (inflated: number, compressed: number, maxRatio: number): Promise<number> => {
  let passed = 0;
  const chunks = Array.from({ length: Math.ceil(inflated / MiB) }, (_, i) => Buffer.alloc(Math.min(MiB, inflated - i * MiB)));
  await pipeline(
    Readable.from(chunks),
    new DecompressedSizeCheck({ place: 'test', maxDecompressedBytes: 8 * 1024 ** 3, maxCompressionRatio: maxRatio }, () => compressed),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        passed += chunk.length;
        callback();
      },
    }),
  );
  return passed;
};

describe('DecompressedSizeCheck: the compression ratio', () => {
  test('passes a body up to the ratio, rejects one past it at the first chunk over', async () => {
    expect(await check(32 * MiB, 335_545, 100)).toBe(32 * MiB); // 32 MiB / 335,545 = 99.99998
    // 300,000 bytes read may inflate to 30,000,000: the 29th MiB passes that.
    await expect(check(32 * MiB, 300_000, 100)).rejects.toThrow(
      new RejectionError(
        `gzip: compression ratio must be at most 100, 101 given (${29 * MiB} bytes inflated from the first 300000); the route option maxCompressionRatio raises the cap`,
      ),
    );
  });

  test('a small file passes whatever its ratio: nothing is checked before 16 MiB have inflated', async () => {
    expect(await check(MIN_INFLATED_BYTES - 1, 1, 100)).toBe(MIN_INFLATED_BYTES - 1);
  });
});

describe('a decompression bomb is rejected early, with the option that raises the cap', () => {
  // 64 MiB of newlines gzip to ~64 KiB: ~1000 ×.
  const bomb = (head: string) => gzipSync(Buffer.concat([Buffer.from(head), Buffer.alloc(64 * MiB, '\n')]));

  test('csv-to-ndjson', async () => {
    const gzipped = bomb(`${ordersHeader()}\n`);
    await expect(runProcessor(csvToNdjson, 'incoming/orders/bomb.csv.gz', gzipped, { schema: 'orders' })).rejects.toThrow(
      /^gzip: compression ratio must be at most 100, \d+ given .*maxCompressionRatio raises the cap$/,
    );
    const { summary } = await runProcessor(csvToNdjson, 'incoming/orders/bomb.csv.gz', gzipped, { schema: 'orders', maxCompressionRatio: 2000 });
    expect(summary.counts).toEqual({ rowsIn: 0, rowsOut: 0, rowsRejected: 0 });
  });

  test('access-logs', async () => {
    await expect(runProcessor(accessLogs, 'incoming/logs/bomb.log.gz', bomb('{"status":200}\n'), { format: 'jsonl' })).rejects.toThrow(
      /^gzip: compression ratio must be at most 100, \d+ given/,
    );
  });
});
