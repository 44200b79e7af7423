/**
 * One S3 object, start to finish: skip what is already done, read the exact version,
 * run its processor, and record the outcome in a manifest written last.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RejectionError, ServiceError, SupersededError, TransientError, messageOf } from '../errors.js';
import type { ProcessorModule, ProcessorSummary, SourceObject } from '../processors/types.js';
import { type Manifest, ManifestStore, decide, manifestKeyFor } from '../storage/manifestStore.js';
import { openObject } from '../storage/objectReader.js';
import { createS3Sink } from '../storage/s3Sink.js';
import type { ObjectOutcome, ObjectWork } from './types.js';

export interface ObjectDependencies {
  readonly s3: S3Client;
  readonly manifests: ManifestStore;
  readonly uploadBucket: string;
  readonly resultsBucket: string;
  readonly signal: AbortSignal;
  /** The processor lookup; the registry's in production, a fake in tests and benchmarks. */
  readonly loadProcessor: (name: string) => Promise<ProcessorModule>;
}

type Result = Pick<Manifest, 'status' | 'reason' | 'outputs' | 'counts' | 'processor'>;

const run = async (object: ObjectWork, deps: ObjectDependencies): Promise<Result> => {
  if (object.rejection !== undefined || object.route === undefined) {
    return { status: 'rejected', reason: object.rejection ?? 'key: matches no route', outputs: [], counts: {}, processor: null };
  }
  let processor: ProcessorModule | undefined;
  const outputs: Manifest['outputs'][number][] = [];
  try {
    processor = await deps.loadProcessor(object.route.processor);
    const opened = await openObject(deps.s3, object.source, deps.signal);
    const source: SourceObject = { ...object.source, contentType: opened.contentType };
    const sink = createS3Sink(deps.s3, deps.resultsBucket, source, deps.signal);
    const recordingSink = { write: async (...args: Parameters<typeof sink.write>) => pushed(outputs, await sink.write(...args)) };
    const summary: ProcessorSummary = await processor.process(opened.body, { source, options: object.route.options ?? {}, signal: deps.signal }, recordingSink);
    return { status: 'processed', outputs, counts: summary.counts, processor: identify(processor) };
  } catch (error: unknown) {
    if (error instanceof RejectionError) return { status: 'rejected', reason: error.message, outputs, counts: {}, processor: identify(processor) };
    throw error;
  }
};

const pushed = <T>(list: T[], item: T): T => {
  list.push(item);
  return item;
};

const identify = (processor: ProcessorModule | undefined) => (processor === undefined ? null : { name: processor.name, version: processor.version });

/** Attempts at the manifest write; a lost race re-reads and decides again. */
const MAX_WRITE_ATTEMPTS = 3;

const processAndRecord = async (object: ObjectWork, deps: ObjectDependencies): Promise<ObjectOutcome> => {
  const key = manifestKeyFor(object.source, deps.uploadBucket);
  let stored = await deps.manifests.read(key, deps.signal);
  const decision = decide(stored?.manifest, object.source);
  if (decision !== 'process') return skipped(decision);
  const startedAt = new Date();
  const result = await run(object, deps);
  const finishedAt = new Date();
  const manifest: Manifest = {
    schemaVersion: 1,
    source: object.source,
    ...result,
    timings: { startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime() },
  };
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    if (await deps.manifests.write(key, manifest, stored, deps.signal)) {
      return result.status === 'processed'
        ? { status: 'processed', bytes: result.outputs.reduce((sum, output) => sum + output.bytes, 0) }
        : { status: 'rejected', reason: result.reason ?? 'rejected' };
    }
    stored = await deps.manifests.read(key, deps.signal);
    const again = decide(stored?.manifest, object.source);
    if (again !== 'process') return skipped(again);
  }
  throw new TransientError(`manifest ${key}: lost ${MAX_WRITE_ATTEMPTS} conditional-write races`, { key });
};

const skipped = (decision: 'duplicate' | 'stale'): ObjectOutcome =>
  decision === 'duplicate'
    ? { status: 'duplicate', reason: 'this version already has a manifest' }
    : { status: 'skipped', reason: 'a newer version of this key was already processed' };

/** Never throws: every error becomes an outcome of the failure model. */
export const processObject = async (object: ObjectWork, deps: ObjectDependencies): Promise<ObjectOutcome> => {
  try {
    return await processAndRecord(object, deps);
  } catch (error: unknown) {
    if (error instanceof SupersededError) return { status: 'skipped', reason: error.message };
    if (deps.signal.aborted) return { status: 'retry', reason: messageOf(deps.signal.reason) };
    const reason = error instanceof ServiceError ? error.message : `unexpected ${error instanceof Error ? error.name : 'error'}: ${messageOf(error)}`;
    return { status: 'retry', reason };
  }
};
