/**
 * End-to-end benchmark on LocalStack: `npm run bench:e2e` (options: --files=1000
 * --upload-concurrency=16 --paced-rate=25 --phases=drain,burst,paced --rounds=1). Needs LocalStack and the deployed `local` stack:
 * `npm run localstack:start && npm run deploy:local`. Prints a markdown table for
 * docs/benchmarks.md ('## End to end on LocalStack').
 *
 * Contenders, in the same run on the same queue: the pipeline as deployed (csv-to-ndjson on small
 * orders CSVs) and a no-op processor behind the same chain — the local limit of S3 + SQS + worker.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { LOCALSTACK_ENDPOINT, stackOutputs } from '../../local/stack.js';
import { runId, settings } from '../../tests/integration/helpers/aws.js';
import { INVOCATION_TIMEOUT_SECONDS } from '../../tests/integration/helpers/worker.js';
import { type Contender, type Phase, type PhaseResult, measurePhase, noopProcessor, oneOutputProcessor, percentile } from './measure.js';
import { stackNameFor } from '../../infra/service.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    'upload-concurrency': { type: 'string', default: '16' },
    'paced-rate': { type: 'string', default: '25' },
    phases: { type: 'string', default: 'drain,burst,paced' },
    rounds: { type: 'string', default: '1' },
  },
});
const files = Number(values.files);
const uploadConcurrency = Number(values['upload-concurrency']);
const pacedRate = Number(values['paced-rate']);
const rounds = Number(values.rounds);

const healthy = await fetch(`${LOCALSTACK_ENDPOINT}/_localstack/health`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => response.ok,
  () => false,
);
if (!healthy) {
  console.error(`bench:e2e: LocalStack does not answer at ${LOCALSTACK_ENDPOINT}; run 'npm run localstack:start && npm run deploy:local' first`);
  process.exit(1);
}
const stack = await stackOutputs(new CloudFormationClient({}), stackNameFor('local'));
const contenders: readonly Contender[] = [
  { name: 'noop', processor: noopProcessor },
  { name: 'noop-one-output', processor: oneOutputProcessor },
  { name: 'csv-to-ndjson' },
];
const PHASES: readonly Phase[] = ['drain', 'burst', 'paced'];
const phases = PHASES.filter((phase) => (values.phases ?? '').split(',').includes(phase));
const prefix = `incoming/orders/bench-${runId()}/`;

console.error(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}; ` +
    `${files} files, uploads ${uploadConcurrency} at a time (paced: ${pacedRate}/s); worker: ${settings.maxConcurrency} pollers × batch ${settings.batchSize}, ` +
    `window ${settings.batchingWindowSeconds} s, ${settings.recordConcurrency} objects at a time, invocation timeout ${INVOCATION_TIMEOUT_SECONDS} s`,
);
const results: PhaseResult[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const phase of phases) {
    // Alternate which contender goes first, so drift in LocalStack (state growing) hits both.
    for (const contender of round % 2 === 1 ? contenders : [...contenders].reverse()) {
      const result = await measurePhase(stack, contender, phase, { files, uploadConcurrency, pacedRate, prefix: `${prefix}r${round}-` });
      results.push(result);
      console.error(`round ${round} ${phase} ${contender.name}: ${result.filesPerSecond.toFixed(1)} files/s`);
    }
  }
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2 : (sorted[Math.floor(middle)] ?? Number.NaN);
};
const rate = (name: string, phase: Phase) => median(results.filter((r) => r.contender === name && r.phase === phase).map((r) => r.filesPerSecond));
const latency = (name: string, phase: Phase, p: number) =>
  median(results.filter((r) => r.contender === name && r.phase === phase).map((r) => percentile(r.latencies, p)));

console.log('| Phase | Contender | Throughput | vs no-op | Latency p50 | Latency p95 |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const phase of phases) {
  for (const { name } of contenders) {
    const latencies = phase === 'drain' ? '– | –' : `${Math.round(latency(name, phase, 50))} ms | ${Math.round(latency(name, phase, 95))} ms`;
    console.log(`| ${phase} | ${name} | ${rate(name, phase).toFixed(1)} files/s | ${(rate(name, phase) / rate('noop', phase)).toFixed(2)} × | ${latencies} |`);
  }
}
