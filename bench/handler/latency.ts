/**
 * Batch latency with a slow S3: every fake S3 call answers after 20 ms, as a real round trip
 * might. A batch of 10 small files (2 KiB) against a batch of one, through the worker's chain
 * with `RECORD_CONCURRENCY`'s default of 4: the goal is ≤ 1.5 × (10 files in one wave, not
 * ⌈10 / 4⌉ = 3). overhead.ts forks it after the overhead table (stdout, where EMF goes, to
 * /dev/null; the table comes back over IPC); alone: `npx tsx bench/handler/latency.ts`.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { batchContext } from '../../tests/helpers/events.js';
import { fakeS3, sqsBatch } from './fakes.js';
import { createVariants } from './variants.js';

const S3_LATENCY_MS = 20;
const RUNS = 15;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Median ms per batch of `size` over RUNS runs, after one warm-up. */
const timeBatch = async (size: number): Promise<number> => {
  const worker = createVariants(fakeS3(S3_LATENCY_MS))['Middy chain (worker)'];
  deepStrictEqual(await worker(sqsBatch(size), batchContext()), { batchItemFailures: [] });
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await worker(sqsBatch(size), batchContext());
    samples.push(performance.now() - started);
  }
  return median(samples);
};

/** The markdown table for docs/benchmarks.md. */
const latencyTable = async (): Promise<string> => {
  const one = await timeBatch(1);
  const ten = await timeBatch(10);
  return [
    `\nFake S3 answering after ${S3_LATENCY_MS} ms; median of ${RUNS} batches each; RECORD_CONCURRENCY 4.\n`,
    '| Batch | Median per batch | vs one file |',
    '| --- | --- | --- |',
    `| 1 small file (2 KiB) | ${one.toFixed(1)} ms | 1.00 × |`,
    `| 10 small files (2 KiB) | ${ten.toFixed(1)} ms | ${(ten / one).toFixed(2)} × (goal ≤ 1.5) |`,
  ].join('\n');
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const table = await latencyTable();
  if (process.send !== undefined) process.send(table);
  else console.error(table);
}
