/** Peak RSS of access-logs on a small and a large gzip'd ALB log, each in its own child process (as peakRss.ts). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { albLogGz } from './logsData.js';
import type { RssResult } from './peakRss.js';

const run = promisify(execFile);

const measure = async (bytes: number, v8Flags: readonly string[]): Promise<RssResult> => {
  const path = await albLogGz(bytes);
  const child = join(import.meta.dirname, 'logsRssChild.ts');
  const { stdout } = await run(process.execPath, [...v8Flags, '--import', 'tsx', child, path], { maxBuffer: 1024 ** 2 });
  const { rows, maxRssBytes } = JSON.parse(stdout) as { rows: number; maxRssBytes: number };
  return { label: `${Math.round(bytes / 1024 ** 2)} MiB ALB log (.gz)`, rows, maxRssMiB: maxRssBytes / 1024 ** 2 };
};

export const logsPeakRss = async (smallBytes: number, largeBytes: number, v8Flags: readonly string[] = []): Promise<RssResult[]> => [
  await measure(smallBytes, v8Flags),
  await measure(largeBytes, v8Flags),
];
