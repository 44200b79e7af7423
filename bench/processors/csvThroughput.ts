/**
 * (a) CSV ETL throughput against bare streaming parsers on the same file, in one process.
 * The bare parsers only count rows; the ETL also validates, encodes NDJSON and compresses it
 * (gzip, the default, and zstd). CPU time is the process's (user + system, zlib's threadpool
 * included) per MB of input.
 */
import { createReadStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import csvParser from 'csv-parser';
import Papa from 'papaparse';
import csvToNdjson from '../../src/processors/csvToNdjson.js';
import { DiscardSink } from './discardSink.js';

export interface Throughput {
  readonly name: string;
  readonly mbPerSecond: number;
  readonly cpuMsPerMb: number;
  readonly rows: number;
}

const timed = async (name: string, path: string, run: () => Promise<number>): Promise<Throughput> => {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const rows = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const mb = statSync(path).size / 1e6;
  return { name, rows, mbPerSecond: mb / seconds, cpuMsPerMb: (used.user + used.system) / 1000 / mb };
};

const papaparse = (path: string) =>
  timed('papaparse (bare)', path, async () => {
    let rows = 0;
    const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: true });
    parser.on('data', () => rows++);
    await pipeline(createReadStream(path), parser);
    return rows;
  });

const csvParserBare = (path: string) =>
  timed('csv-parser (bare)', path, async () => {
    let rows = 0;
    const parser = csvParser();
    parser.on('data', () => rows++);
    await pipeline(createReadStream(path), parser);
    return rows;
  });

const etl = (compression: 'gzip' | 'zstd') => (path: string) =>
  timed(`csv-to-ndjson ETL (${compression})`, path, async () => {
    const context = {
      source: { bucket: 'bench', key: path, size: statSync(path).size, sequencer: '0' },
      options: { schema: 'orders', compression },
      signal: new AbortController().signal,
    };
    const summary = await csvToNdjson.process(createReadStream(path, { highWaterMark: 64 * 1024 }), context, new DiscardSink());
    return summary.counts.rowsIn ?? 0;
  });

/** Runs each contender `rounds` times, interleaved, and keeps each one's best run. */
export const csvThroughput = async (path: string, rounds = 2): Promise<Throughput[]> => {
  const contenders = [papaparse, csvParserBare, etl('gzip'), etl('zstd')];
  const best = new Map<string, Throughput>();
  for (let round = 0; round < rounds; round++) {
    for (const run of contenders) {
      const result = await run(path);
      const previous = best.get(result.name);
      if (previous === undefined || result.mbPerSecond > previous.mbPerSecond) best.set(result.name, result);
    }
  }
  return [...best.values()];
};
