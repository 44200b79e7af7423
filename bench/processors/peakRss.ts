/** (b) Peak RSS of csv-to-ndjson on a small and a large file, each in its own child process. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ordersCsv } from './data.js';

const run = promisify(execFile);

export interface RssResult {
  readonly label: string;
  readonly rows: number;
  readonly maxRssMiB: number;
}

const measure = async (label: string, bytes: number, v8Flags: readonly string[]): Promise<RssResult> => {
  const path = await ordersCsv(bytes);
  const child = join(import.meta.dirname, 'rssChild.ts');
  // process.execPath is the Node that runs the benchmark (Node 24 via npm scripts).
  const { stdout } = await run(process.execPath, [...v8Flags, '--import', 'tsx', child, path], { maxBuffer: 1024 ** 2 });
  const { rows, maxRssBytes } = JSON.parse(stdout) as { rows: number; maxRssBytes: number };
  return { label, rows, maxRssMiB: maxRssBytes / 1024 ** 2 };
};

/**
 * V8 grows its young generation with the allocation rate *over time*: a 10 MiB file is done
 * before it grows, a 1 GiB file is not, though the live heap stays ~8 MB in both
 * (see `--trace-gc`). So each pair also runs with the semi-space fixed, as a deployment can.
 */
export const peakRss = async (smallBytes: number, largeBytes: number, v8Flags: readonly string[] = []): Promise<RssResult[]> => [
  await measure(`${Math.round(smallBytes / 1024 ** 2)} MiB CSV`, smallBytes, v8Flags),
  await measure(`${Math.round(largeBytes / 1024 ** 2)} MiB CSV`, largeBytes, v8Flags),
];
