/**
 * access-logs throughput against bare `gunzip` + line splitting of the same .gz file, in one
 * process, for both `sourceFields` values and for `'all'` with zstd. The bare contender decodes
 * UTF-8 and finds every line, as the processor must, and does nothing else; it runs with zlib's
 * default chunks and with the processor's. The processor also parses, summarizes, writes NDJSON
 * and compresses it. Besides wall-clock, each round's CPU time of the whole process
 * (all threads: main, gunzip and gzip on the threadpool) is kept: on a machine shared with other
 * jobs, MB per CPU-second barely moves while wall-clock mostly measures the CPU share each run got.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import accessLogs, { ACCESS_LOGS_GUNZIP_CHUNK } from '../../src/processors/accessLogs.js';
import type { SourceFields } from '../../src/processors/accessLogs/options.js';
import type { Compression } from '../../src/processors/options.js';
import { DiscardSink } from './discardSink.js';

export interface LogThroughput {
  readonly name: string;
  /** Uncompressed MB per second of the best round. */
  readonly mbPerSecond: number;
  /** Uncompressed MB per CPU-second of the whole process, median of the rounds. */
  readonly mbPerCpuSecond: number;
  readonly lines: number;
}

/**
 * Bare gunzip + line splitting. With zlib's default 16 KiB chunks this runs at ~0.4 of what it
 * does with the processor's 256 KiB chunks: each chunk is a threadpool round trip and an async
 * iteration. Both are measured; the tuned one is the fair contender.
 */
const bareGunzipLines = async (path: string, chunkSize?: number): Promise<{ lines: number; bytes: number }> => {
  let lines = 0;
  let bytes = 0;
  await pipeline(createReadStream(path), createGunzip(chunkSize === undefined ? {} : { chunkSize }), async (source: AsyncIterable<Buffer>) => {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for await (const chunk of source) {
      bytes += chunk.length;
      const text = pending + decoder.write(chunk);
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        if (newline > start) lines++;
        start = newline + 1;
      }
      pending = text.slice(start);
    }
  });
  return { lines, bytes };
};

const processor =
  (sourceFields: SourceFields, compression: Compression = 'gzip') =>
  async (path: string): Promise<{ lines: number }> => {
    const source = { bucket: 'bench', key: path, size: 0, sequencer: '0' };
    const summary = await accessLogs.process(
      createReadStream(path),
      { source, options: { format: 'auto', sourceFields, compression }, signal: new AbortController().signal },
      new DiscardSink(),
    );
    return { lines: summary.counts.linesIn ?? 0 };
  };

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

/** Runs each contender `rounds` times, interleaved: best wall-clock round, median CPU efficiency. */
export const logsThroughput = async (path: string, rounds = 5): Promise<LogThroughput[]> => {
  const { bytes } = await bareGunzipLines(path);
  const megabytes = bytes / 1e6;
  const contenders = {
    'gunzip + line split (bare, 256 KiB chunks as the processor)': (file: string) => bareGunzipLines(file, ACCESS_LOGS_GUNZIP_CHUNK),
    'gunzip + line split (bare, zlib default 16 KiB chunks)': (file: string) => bareGunzipLines(file),
    "access-logs, sourceFields 'all' (default; parse + summary + NDJSON + gzip)": processor('all'),
    "access-logs, sourceFields 'none'": processor('none'),
    "access-logs, sourceFields 'all', compression 'zstd'": processor('all', 'zstd'),
  };
  const runs = new Map<string, { seconds: number[]; cpuSeconds: number[]; lines: number }>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const { lines } = await run(path);
      const { user, system } = process.cpuUsage(cpu);
      const entry = runs.get(name) ?? { seconds: [], cpuSeconds: [], lines };
      entry.seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
      entry.cpuSeconds.push((user + system) / 1e6);
      runs.set(name, entry);
    }
  }
  return [...runs].map(([name, { seconds, cpuSeconds, lines }]) => ({
    name,
    mbPerSecond: megabytes / Math.min(...seconds),
    mbPerCpuSecond: megabytes / median(cpuSeconds),
    lines,
  }));
};
