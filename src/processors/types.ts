/**
 * The processor contract: a readable stream of one S3 object plus its metadata in,
 * outputs through a sink, a summary back. Processors know nothing of SQS or Lambda,
 * so they can be run and tested on a local file (see docs/processors.md).
 */
import type { Readable } from 'node:stream';
import type { OutputRecord, SourceObject } from '../types.js';
import type { RawOptions } from './options.js';

// Defined with the other shared records; re-exported so a processor imports its whole contract from here.
export type { OutputRecord, SourceObject };

export interface ProcessorContext {
  readonly source: SourceObject;
  /** The route's `options`, as written in `src/config/routes.ts`; the processor parses them itself. */
  readonly options: RawOptions;
  /** Aborted shortly before the Lambda timeout; pass it to `stream/promises.pipeline`. */
  readonly signal: AbortSignal;
  /**
   * When `signal` will abort (epoch ms), so a long job can tell early that it cannot finish and
   * reject with a reason instead of timing out into retries; absent when nothing limits the run.
   */
  readonly deadline?: number;
}

/** Where a processor writes its outputs; names are relative (`rows.ndjson.gz`, `256.webp`). */
export interface ResultSink {
  write(name: string, body: Readable | Uint8Array, contentType: string): Promise<OutputRecord>;
}

/** Counts for the manifest, e.g. `{ rowsIn: 10, rowsOut: 9, rowsRejected: 1 }`. */
export interface ProcessorSummary {
  readonly counts: Readonly<Record<string, number>>;
}

export type Processor = (input: Readable, context: ProcessorContext, sink: ResultSink) => Promise<ProcessorSummary>;

export interface ProcessorModule {
  readonly name: string;
  /** Recorded in every manifest, so results can be traced to the code that made them. */
  readonly version: string;
  readonly process: Processor;
}
