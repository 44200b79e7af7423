/**
 * Cold start: `npm run bench:coldStart` (options: --processes=25). Bundles the worker as
 * `serverless.ts` does (esbuild: ESM, node24, source map, sharp external) and, the same way, a
 * baseline entry that only imports and constructs Powertools Logger + Metrics and an S3Client.
 * Then imports each in fresh Node processes, alternating, and reports the median CPU time of the
 * import (module load and top-level code, not Node's own start) with and without `--enable-source-maps`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { WORKER_BUNDLE } from '../../infra/bundle.js';
import { workerEnvironment } from '../../infra/workerEnvironment.js';
import { loadStageSettings } from '../../src/config/settings.js';

const { values } = parseArgs({ options: { processes: { type: 'string', default: '25' } } });
const processes = Number(values.processes);

const OUT = join(import.meta.dirname, '.build');
/** The deployed bundle's options (infra/bundle.ts), with `.mjs` files as in the deployed package. */
const BUNDLE_OPTIONS: BuildOptions = { ...WORKER_BUNDLE, external: [...WORKER_BUNDLE.external], outExtension: { '.js': '.mjs' }, logLevel: 'error' };

const BASELINE_SOURCE = `import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
export const logger = new Logger();
export const metrics = new Metrics();
export const s3 = new S3Client({});
`;

/** What the deployed function gets (dev's settings, tracing off unless a row turns it on). */
const ENV = {
  ...process.env,
  AWS_REGION: 'eu-west-1',
  ...workerEnvironment({ ...loadStageSettings('dev', {}), tracing: 'off' }, { uploads: 'bench-uploads', results: 'bench-results' }),
};

/**
 * Prints the CPU ms (user + system) the dynamic import took, in a fresh process: on this shared
 * machine wall time swings 2× with other jobs' load, CPU time much less; the import is
 * single-threaded, so on an idle Lambda the two are close.
 */
const IMPORT_TIMER =
  'const started = process.cpuUsage(); await import(process.argv[1]); const used = process.cpuUsage(started); console.log((used.user + used.system) / 1000);';

const importMs = (file: string, nodeOptions: string, env: Record<string, string>): number => {
  try {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, file], {
      env: { ...ENV, ...env, NODE_OPTIONS: nodeOptions },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return Number(output.trim());
  } catch (error: unknown) {
    const stderr = String((error as { stderr?: string }).stderr ?? error);
    console.error(`bench:coldStart: importing ${file} failed: ${stderr.match(/^\w*Error: .*$/m)?.[0] ?? stderr}`);
    process.exit(1);
  }
};

const median = (samples: readonly number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'baseline.ts'), BASELINE_SOURCE);
await build({
  ...BUNDLE_OPTIONS,
  entryPoints: [
    { in: 'src/handlers/worker.ts', out: 'worker' },
    { in: join(OUT, 'baseline.ts'), out: 'baseline' },
  ],
  outdir: OUT,
});

const contenders: { name: string; file: string; nodeOptions: string; env: Record<string, string> }[] = [
  { name: 'Powertools Logger + Metrics + S3Client (baseline)', file: join(OUT, 'baseline.mjs'), nodeOptions: '', env: {} },
  { name: 'worker bundle (source maps applied lazily)', file: join(OUT, 'worker.mjs'), nodeOptions: '', env: {} },
  { name: 'worker bundle, --enable-source-maps', file: join(OUT, 'worker.mjs'), nodeOptions: '--enable-source-maps', env: {} },
  { name: 'worker bundle, TRACING=on (Tracer loaded)', file: join(OUT, 'worker.mjs'), nodeOptions: '', env: { TRACING: 'on' } },
];
const samples = contenders.map(() => [] as number[]);
for (let round = 0; round < processes; round++) {
  for (const [index, contender] of contenders.entries()) samples[index]?.push(importMs(contender.file, contender.nodeOptions, contender.env));
}
const baseline = median(samples[0] ?? []);
console.log(`Node ${process.version}; ${processes} fresh processes per row, alternating; command: npm run bench:coldStart -- --processes=${processes}\n`);
console.log('| Import | Median CPU time | p25–p75 | vs baseline |');
console.log('| --- | --- | --- | --- |');
contenders.forEach((contender, index) => {
  const sorted = [...(samples[index] ?? [])].sort((a, b) => a - b);
  const quartile = (q: number) => (sorted[Math.floor((sorted.length - 1) * q)] ?? Number.NaN).toFixed(1);
  const value = median(sorted);
  console.log(`| ${contender.name} | ${value.toFixed(1)} ms | ${quartile(0.25)}–${quartile(0.75)} | ${(value / baseline).toFixed(2)} × |`);
});
