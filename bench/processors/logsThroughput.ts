/**
 * access-logs throughput against bare `gunzip` + line splitting of the same .gz file, in one
 * process. The bare contender decodes UTF-8 and finds every line, as the processor must, and
 * does nothing else; the processor also parses, summarizes, writes NDJSON and gzips it.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import accessLogs from '../../src/processors/accessLogs.js';
import { DiscardSink } from './discardSink.js';

export interface LogThroughput {
  readonly name: string;
  /** Uncompressed MB per second. */
  readonly mbPerSecond: number;
  readonly lines: number;
}

const bareGunzipLines = async (path: string): Promise<{ lines: number; bytes: number }> => {
  let lines = 0;
  let bytes = 0;
  await pipeline(createReadStream(path), createGunzip(), async (source: AsyncIterable<Buffer>) => {
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

const processor = async (path: string): Promise<{ lines: number }> => {
  const source = { bucket: 'bench', key: path, size: 0, sequencer: '0' };
  const summary = await accessLogs.process(
    createReadStream(path),
    { source, options: { format: 'auto' }, signal: new AbortController().signal },
    new DiscardSink(),
  );
  return { lines: summary.counts.linesIn ?? 0 };
};

/** Runs each contender `rounds` times, interleaved, and keeps each one's best run. */
export const logsThroughput = async (path: string, rounds = 5): Promise<LogThroughput[]> => {
  const { bytes } = await bareGunzipLines(path);
  const contenders = { 'gunzip + line split (bare)': bareGunzipLines, 'access-logs (parse + summary + NDJSON + gzip)': processor };
  const best = new Map<string, LogThroughput>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = process.hrtime.bigint();
      const { lines } = await run(path);
      const mbPerSecond = bytes / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9);
      if ((best.get(name)?.mbPerSecond ?? 0) < mbPerSecond) best.set(name, { name, mbPerSecond, lines });
    }
  }
  return [...best.values()];
};
