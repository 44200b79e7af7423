/**
 * Processor benchmarks: `npm run bench:processors` (options: --csv-mib=150 --shape-mib=64 --large-mib=1024
 * --logs-mib=200 --logs-large-mib=1024; `--quick` runs the access-logs part at 50 / 256 MiB;
 * `--only=logs` runs the access-logs part alone, `--only=csv` the CSV part).
 * Prints a markdown table; copy it into docs/benchmarks.md under '## Processors'.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { csvShapes } from './csvShapes.js';
import { csvThroughput } from './csvThroughput.js';
import { ordersCsv, variedCsv } from './data.js';
import { albLogGz } from './logsData.js';
import { logsPeakRss } from './logsPeakRss.js';
import { type LogThroughput, logsThroughput } from './logsThroughput.js';
import { peakRss, type RssResult } from './peakRss.js';
import { makeJpegs, thumbnailRates } from './thumbnails.js';

const MiB = 1024 ** 2;
const { values } = parseArgs({
  options: {
    'csv-mib': { type: 'string', default: '150' },
    'shape-mib': { type: 'string', default: '64' },
    'large-mib': { type: 'string', default: '1024' },
    images: { type: 'string', default: '12' },
    'logs-mib': { type: 'string' },
    'logs-large-mib': { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const logsMib = Number(values['logs-mib'] ?? (values.quick ? 50 : 200));
const logsLargeMib = Number(values['logs-large-mib'] ?? (values.quick ? 256 : 1024));
const fixed = (n: number, digits = 1): string => n.toFixed(digits);

const csvRows = async (): Promise<string[]> => {
  const rows: string[] = [];
  for (const [label, make] of [
    ['orders', ordersCsv],
    ['varied orders', variedCsv],
  ] as const) {
    const results = await csvThroughput(await make(Number(values['csv-mib']) * MiB));
    const papa = results.find((r) => r.name.startsWith('papaparse'));
    if (papa === undefined) continue;
    for (const r of results) {
      const ratios = `${fixed(r.mbPerSecond / papa.mbPerSecond, 2)} × papaparse; CPU ${fixed(r.cpuMsPerMb / papa.cpuMsPerMb, 2)} ×`;
      rows.push(
        `| CSV throughput (${values['csv-mib']} MiB ${label}) | ${r.name} | ${fixed(r.mbPerSecond)} MB/s, ${fixed(r.cpuMsPerMb)} ms CPU/MB | ${ratios} |`,
      );
    }
  }
  const shapes = await csvShapes(Number(values['shape-mib']) * MiB);
  const valid = shapes[0]?.seconds ?? Number.NaN;
  for (const r of shapes)
    rows.push(
      `| CSV shapes (${values['shape-mib']} MiB each) | ${r.name}: ${r.outcome} | ${fixed(r.seconds, 2)} s | ${fixed(r.seconds / valid, 2)} × valid rows (goal ≤ 2) |`,
    );
  return rows;
};

const rssRows = async (v8Flags: readonly string[]): Promise<string[]> => {
  const [small, large] = await peakRss(10 * MiB, Number(values['large-mib']) * MiB, v8Flags);
  if (small === undefined || large === undefined) return [];
  const flags = v8Flags.length === 0 ? 'default V8 flags' : v8Flags.join(' ');
  return [
    `| Peak RSS (${flags}) | csv-to-ndjson, ${small.label} | ${fixed(small.maxRssMiB)} MiB | |`,
    `| Peak RSS (${flags}) | csv-to-ndjson, ${large.label} | ${fixed(large.maxRssMiB)} MiB | +${fixed(large.maxRssMiB - small.maxRssMiB)} MiB (goal ≤ 64) |`,
  ];
};

const thumbnailRows = async (): Promise<string[]> => {
  const results = await thumbnailRates(await makeJpegs(Number(values.images)));
  const bare = results.find((r) => r.name.startsWith('bare'))?.perSecond ?? Number.NaN;
  return results.map(
    (r) => `| Thumbnails (3000×2000 JPEG → 256 + 1024 WebP) | ${r.name} | ${fixed(r.perSecond)} /s | ${fixed(r.perSecond / bare, 2)} × bare |`,
  );
};

const logsRows = async (): Promise<string[]> => {
  const results = await logsThroughput(await albLogGz(logsMib * MiB));
  const tuned = results.find((r) => r.name.includes('bare, 256 KiB'));
  const defaults = results.find((r) => r.name.includes('bare, zlib default'));
  const against = (r: LogThroughput, bare: LogThroughput | undefined): string =>
    `${fixed(r.mbPerSecond / (bare?.mbPerSecond ?? Number.NaN), 2)} × (CPU ${fixed(r.mbPerCpuSecond / (bare?.mbPerCpuSecond ?? Number.NaN), 2)} ×)`;
  return results.map(
    (r) =>
      `| Logs throughput (${logsMib} MiB ALB log, .gz) | ${r.name} | ${fixed(r.mbPerSecond)} MB/s, ${fixed(r.mbPerCpuSecond)} MB/CPU-s | ${against(r, tuned)} bare 256 KiB; ${against(r, defaults)} bare default |`,
  );
};

const rssPair = (processor: string, flags: string, [small, large]: readonly RssResult[]): string[] =>
  small === undefined || large === undefined
    ? []
    : [
        `| Peak RSS (${flags}) | ${processor}, ${small.label} | ${fixed(small.maxRssMiB)} MiB | |`,
        `| Peak RSS (${flags}) | ${processor}, ${large.label} | ${fixed(large.maxRssMiB)} MiB | +${fixed(large.maxRssMiB - small.maxRssMiB)} MiB (goal ≤ 64) |`,
      ];

const logsRssRows = async (v8Flags: readonly string[]): Promise<string[]> =>
  rssPair('access-logs', v8Flags.length === 0 ? 'default V8 flags' : v8Flags.join(' '), await logsPeakRss(10 * MiB, logsLargeMib * MiB, v8Flags));

const header = ['| Benchmark | Contender | Result | Ratio |', '| --- | --- | --- | --- |'];
console.error(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const logs = async (): Promise<string[]> => [...(await logsRows()), ...(await logsRssRows([])), ...(await logsRssRows(['--max-semi-space-size=16']))];
const others = async (): Promise<string[]> => [
  ...(await csvRows()),
  ...(await rssRows([])),
  ...(await rssRows(['--max-semi-space-size=16'])),
  ...(await thumbnailRows()),
];
const csv = async (): Promise<string[]> => [...(await csvRows()), ...(await rssRows([])), ...(await rssRows(['--max-semi-space-size=16']))];
const rows = values.only === 'logs' ? await logs() : values.only === 'csv' ? await csv() : [...(await others()), ...(await logs())];
console.log([...header, ...rows].join('\n'));
