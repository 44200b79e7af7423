/**
 * One measuring process, forked by overhead.ts with stdout on /dev/null (logs and EMF go
 * there) and the POWERTOOLS_* environment already set. Sends its samples back over IPC:
 * for each batch size and variant, the mean time per batch of every block.
 * Environment: BENCH_ROUNDS (default 30), BENCH_ONLY (one variant, e.g. for profiling).
 * Standalone, for profiling: `BENCH_ONLY='Middy chain (worker)' npx tsx --cpu-prof bench/handler/measure.ts`.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { batchContext } from '../../tests/helpers/events.js';
import { calls, fakeS3, resetCalls, sqsBatch } from './fakes.js';
import { type BatchHandler, VARIANTS, type Variant, createVariants } from './variants.js';

export const BATCH_SIZES = [10, 100] as const;
/** Messages per timed block: 100 batches of 10 or 10 of 100, a few ms each. */
const MESSAGES_PER_BLOCK = 1000;
const WARMUP_BLOCKS = 10;

export interface Samples {
  /** `samples[size][variant]`: mean µs per batch of each block, in round order. */
  readonly samples: Record<string, Partial<Record<Variant, number[]>>>;
}

const rounds = Number(process.env.BENCH_ROUNDS ?? '30');
const only = process.env.BENCH_ONLY;
const variants = createVariants(fakeS3());
const active = VARIANTS.filter((name) => only === undefined || name === only);
const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

/** Each variant must answer the batch with no failures after exactly two S3 calls per message. */
const verify = async (name: Variant, handler: BatchHandler, size: number): Promise<void> => {
  resetCalls();
  const response = await handler(sqsBatch(size), batchContext());
  deepStrictEqual(response, { batchItemFailures: [] }, `${name}: unexpected failures`);
  deepStrictEqual({ ...calls }, { manifestReads: 0, objectReads: size, manifestWrites: size }, `${name}: S3 calls differ`);
};

/** Mean µs per batch over one block; events and contexts are built before the clock starts. */
const block = async (handler: BatchHandler, size: number): Promise<number> => {
  const batches = MESSAGES_PER_BLOCK / size;
  const event = sqsBatch(size);
  const contexts = Array.from({ length: batches }, () => batchContext());
  collect();
  const started = performance.now();
  for (const context of contexts) await handler(event, context);
  return ((performance.now() - started) * 1000) / batches;
};

const run = async (): Promise<Samples> => {
  const samples: Samples['samples'] = {};
  for (const size of BATCH_SIZES) {
    for (const name of active) {
      await verify(name, variants[name], size);
      for (let i = 0; i < WARMUP_BLOCKS; i++) await block(variants[name], size);
    }
    samples[size] = Object.fromEntries(active.map((name) => [name, []]));
  }
  for (let round = 0; round < rounds; round++) {
    for (const size of BATCH_SIZES) {
      // Rotate the order every round so no variant always runs first (or right after GC).
      for (let i = 0; i < active.length; i++) {
        const name = active[(round + i) % active.length] as Variant;
        const mean = await block(variants[name], size);
        samples[size]?.[name]?.push(mean);
      }
    }
  }
  return { samples };
};

const result = await run();
if (process.send !== undefined) process.send(result);
else console.error(JSON.stringify(result));
