/**
 * Runs a route's processor on a local file, without AWS:
 *   npx tsx scripts/process-file.ts <route-id> <file> [outDir]
 * Outputs go to outDir (default `out/<file name>/`); the summary is printed as JSON.
 * Exit code 0 when processed, 2 when the file is rejected, 1 on any other error.
 */
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { routes } from '../src/config/routes.js';
import { messageOf, RejectionError } from '../src/errors.js';
import { loadProcessor } from '../src/processors/registry.js';
import type { OutputRecord, ResultSink } from '../src/processors/types.js';
import { measuring } from '../src/storage/measuring.js';

/** A `ResultSink` writing each output to a file, hashing it on the way as the S3 sink does. */
class FileSink implements ResultSink {
  readonly records: OutputRecord[] = [];

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async write(name: string, body: Readable | Uint8Array, contentType: string): Promise<OutputRecord> {
    const measure = measuring();
    const source = body instanceof Readable ? body : Readable.from([body]);
    await pipeline(source, measure.stream, createWriteStream(join(this.dir, name)));
    const record = { key: join(this.dir, name), contentType, ...measure.result() };
    this.records.push(record);
    return record;
  }
}

const usage = (): never => {
  console.error(`usage: npx tsx scripts/process-file.ts <route-id> <file> [outDir]\nroutes: ${routes.map((route) => route.id).join(', ')}`);
  process.exit(1);
};

const main = async (): Promise<void> => {
  const [routeId, file, outDir] = process.argv.slice(2);
  if (routeId === undefined || file === undefined) return usage();
  const route = routes.find((candidate) => candidate.id === routeId);
  if (route === undefined) return usage();
  const processor = await loadProcessor(route.processor);
  const sink = new FileSink(outDir ?? join('out', basename(file)));
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  // The key a real upload would have, so extension checks behave as in production.
  const source = { bucket: 'local', key: `${route.prefix}${basename(file)}`, size: statSync(file).size, sequencer: '0' };
  const started = performance.now();
  try {
    const summary = await processor.process(createReadStream(file), { source, options: route.options, signal: controller.signal }, sink);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({ status: 'processed', processor: processor.name, version: processor.version, ...summary, outputs: sink.records, seconds }, null, 2),
    );
  } catch (error: unknown) {
    const status = error instanceof RejectionError ? 'rejected' : 'failed';
    console.log(JSON.stringify({ status, processor: processor.name, reason: messageOf(error), outputs: sink.records }, null, 2));
    process.exitCode = error instanceof RejectionError ? 2 : 1;
  }
};

await main();
