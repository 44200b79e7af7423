/**
 * Worker handler overhead: `npm run bench:handler` (options: --processes=3 --rounds=30 --no-info).
 * The worker's full Middy chain with a no-op processor and an instant in-memory S3, against
 * (a) a bare loop doing the same S3 calls and (b) Powertools BatchProcessor + processPartialResponse.
 * Each measuring process (measure.ts) interleaves the variants round by round; processes run one
 * after the other, logs and EMF go to /dev/null. Prints a markdown table for docs/benchmarks.md.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Samples } from './measure.js';
import { VARIANTS, type Variant } from './variants.js';

const { values } = parseArgs({
  options: { processes: { type: 'string', default: '3' }, rounds: { type: 'string', default: '30' }, 'no-info': { type: 'boolean', default: false } },
});
const processes = Number(values.processes);
const rounds = Number(values.rounds);
const SIZES = ['10', '100'] as const;

type Pooled = Record<string, Record<Variant, number[]>>;

const isSamples = (message: unknown): message is Samples =>
  typeof message === 'object' && message !== null && 'samples' in message && typeof message.samples === 'object' && message.samples !== null;

/** Forks one measuring process; POWERTOOLS_LOG_LEVEL is read when the logger is constructed there. */
const measure = (logLevel: 'ERROR' | 'INFO'): Promise<Samples> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./measure.ts', import.meta.url)), [], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: logLevel,
        POWERTOOLS_SERVICE_NAME: 'worker',
        POWERTOOLS_METRICS_NAMESPACE: 'bench',
        BENCH_ROUNDS: String(rounds),
      },
    });
    let result: Samples | undefined;
    child.on('message', (message: unknown) => {
      if (isSamples(message)) result = message;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result !== undefined ? resolve(result) : reject(new Error(`measure.ts: exited with ${code ?? 'a signal'} without results`))));
  });

const pool = (runs: readonly Samples[]): Pooled => {
  const pooled: Pooled = {};
  for (const size of SIZES) {
    pooled[size] = Object.fromEntries(VARIANTS.map((name) => [name, runs.flatMap((run) => run.samples[size]?.[name] ?? [])])) as Record<Variant, number[]>;
  }
  return pooled;
};

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = sorted[Math.floor(position)] ?? Number.NaN;
  const high = sorted[Math.ceil(position)] ?? low;
  return low + (high - low) * (position - Math.floor(position));
};

const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Median of the per-block ratios, block i of a variant against block i of the bare loop (same round). */
const pairedRatio = (samples: readonly number[], bare: readonly number[]): number => median(samples.map((value, i) => value / (bare[i] ?? Number.NaN)));

const rows = (pooled: Pooled, label: string): string[] =>
  SIZES.flatMap((size) => {
    const perSize = pooled[size];
    if (perSize === undefined) return [];
    const bare = perSize['bare loop'];
    const bareMedian = median(bare);
    return VARIANTS.map((name) => {
      const samples = perSize[name];
      const m = median(samples);
      const spread = `${quantile(samples, 0.25).toFixed(0)}–${quantile(samples, 0.75).toFixed(0)}`;
      const ratio = `${(m / bareMedian).toFixed(2)} × (paired ${pairedRatio(samples, bare).toFixed(2)})`;
      return `| ${label} | ${size} | ${name} | ${m.toFixed(0)} µs | ${spread} | ${(m / Number(size)).toFixed(1)} µs | ${ratio} |`;
    });
  });

const cpuModel = (): string => {
  const models = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/gm) ?? [];
  return `${models.length} × ${models[0]?.replace(/^model name\s*:\s*/, '') ?? 'unknown CPU'}`;
};

const errorRuns: Samples[] = [];
for (let i = 0; i < processes; i++) {
  console.error(`measuring: process ${i + 1}/${processes}, POWERTOOLS_LOG_LEVEL=ERROR, ${rounds} rounds`);
  errorRuns.push(await measure('ERROR'));
}
const infoRuns: Samples[] = [];
if (!values['no-info']) {
  console.error('measuring: 1 process, POWERTOOLS_LOG_LEVEL=INFO (logs to /dev/null)');
  infoRuns.push(await measure('INFO'));
}

const blocks = processes * rounds;
console.log(`Node ${process.version}, ${cpuModel()}; command: npm run bench:handler -- --processes=${processes} --rounds=${rounds}`);
console.log(`Blocks of 1000 messages (100 batches of 10 or 10 of 100); ${blocks} blocks per cell with ERROR logs, interleaved.\n`);
console.log('| Logs | Batch | Variant | Median per batch | p25–p75 (µs) | Per message | vs bare loop |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const line of rows(pool(errorRuns), 'ERROR')) console.log(line);
if (infoRuns.length > 0) for (const line of rows(pool(infoRuns), 'INFO → /dev/null')) console.log(line);

console.error('measuring: batch latency with a fake S3 answering after 20 ms');
const latency = fork(fileURLToPath(new URL('./latency.ts', import.meta.url)), [], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_SERVICE_NAME: 'worker', POWERTOOLS_METRICS_NAMESPACE: 'bench' },
});
latency.on('message', (table: unknown) => console.log(String(table)));
await new Promise((resolve, reject) =>
  latency.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`latency.ts: exited with ${code ?? 'a signal'}`)))),
);
