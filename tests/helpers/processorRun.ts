/** Builders for running a processor on in-memory input. */
import { Readable } from 'node:stream';
import type { ProcessorContext, ProcessorModule, ProcessorSummary, SourceObject } from '../../src/processors/types.js';
import { MemorySink } from './memorySink.js';

export const sourceObject = (overrides: Partial<SourceObject> = {}): SourceObject => ({
  bucket: 'uploads',
  key: 'incoming/orders/day.csv',
  versionId: 'v1',
  size: 0,
  sequencer: '0055AED6DCD90281E5',
  ...overrides,
});

export const processorContext = (key: string, options: Readonly<Record<string, unknown>>, signal = new AbortController().signal): ProcessorContext => ({
  source: sourceObject({ key }),
  options,
  signal,
});

/** Splits `bytes` into chunks of the given sizes (cycled), like a network stream would. */
export const chunkedStream = (bytes: Uint8Array, sizes: readonly number[] = [bytes.length || 1]): Readable => {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    chunks.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return Readable.from(chunks, { objectMode: false });
};

export interface ProcessorRun {
  readonly summary: ProcessorSummary;
  readonly sink: MemorySink;
}

/** @example const { summary, sink } = await runProcessor(csv, 'a.csv', bytes, { schema: 'orders' }) */
export const runProcessor = async (
  module: ProcessorModule,
  key: string,
  input: Uint8Array | Readable,
  options: Readonly<Record<string, unknown>>,
  sink = new MemorySink(),
): Promise<ProcessorRun> => {
  const stream = input instanceof Readable ? input : chunkedStream(input);
  const summary = await module.process(stream, processorContext(key, options), sink);
  return { summary, sink };
};
