/**
 * Processor benchmarks: `npm run bench:processors` (options: --csv-mib=150 --large-mib=1024).
 * Prints a markdown table; copy it into docs/benchmarks.md under '## Processors'.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { csvThroughput } from './csvThroughput.js';
import { ordersCsv } from './data.js';
import { peakRss } from './peakRss.js';
import { makeJpegs, thumbnailRates } from './thumbnails.js';

const MiB = 1024 ** 2;
const { values } = parseArgs({
  options: { 'csv-mib': { type: 'string', default: '150' }, 'large-mib': { type: 'string', default: '1024' }, images: { type: 'string', default: '12' } },
});
const fixed = (n: number, digits = 1): string => n.toFixed(digits);

const csvRows = async (): Promise<string[]> => {
  const path = await ordersCsv(Number(values['csv-mib']) * MiB);
  const results = await csvThroughput(path);
  const fastestBare = Math.max(...results.filter((r) => r.name.includes('bare')).map((r) => r.mbPerSecond));
  return results.map(
    (r) =>
      `| CSV throughput (${values['csv-mib']} MiB orders) | ${r.name} | ${fixed(r.mbPerSecond)} MB/s | ${fixed(r.mbPerSecond / fastestBare, 2)} × fastest bare |`,
  );
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

const header = ['| Benchmark | Contender | Result | Ratio |', '| --- | --- | --- | --- |'];
console.error(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const rows = [...(await csvRows()), ...(await rssRows([])), ...(await rssRows(['--max-semi-space-size=16'])), ...(await thumbnailRows())];
console.log([...header, ...rows].join('\n'));
