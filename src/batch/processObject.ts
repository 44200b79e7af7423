/**
 * One S3 object, start to finish: skip what is already done, read the exact version,
 * run its processor, and record the outcome in a manifest written last.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RejectionError, ServiceError, SupersededError, TransientError, messageOf } from '../errors.js';
import type { OutputRecord, ProcessorModule, ResultSink, SourceObject } from '../processors/types.js';
import { type Decision, type Manifest, ManifestStore, type StoredManifest, decide, manifestKeyFor } from '../storage/manifestStore.js';
import { openObject } from '../storage/objectReader.js';
import { createS3Sink } from '../storage/s3Sink.js';
import { currentVersionId, sequencersTie } from '../storage/versionOrder.js';
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

const identify = (processor: ProcessorModule | undefined) => (processor === undefined ? null : { name: processor.name, version: processor.version });

/** Runs the route's processor on the object; a `RejectionError` becomes a rejected result. */
const run = async (object: ObjectWork, deps: ObjectDependencies): Promise<Result> => {
  const route = object.route;
  if (object.rejection !== undefined || route === undefined) {
    return { status: 'rejected', reason: object.rejection ?? 'key: matches no route', outputs: [], counts: {}, processor: null };
  }
  let processor: ProcessorModule | undefined;
  const outputs: OutputRecord[] = [];
  try {
    processor = await deps.loadProcessor(route.processor);
    const opened = await openObject(deps.s3, object.source, deps.signal);
    const source = { ...object.source, contentType: opened.contentType };
    const s3Sink = createS3Sink(deps.s3, deps.resultsBucket, source, deps.signal);
    const sink: ResultSink = { write: async (name, body, type) => outputs[outputs.push(await s3Sink.write(name, body, type)) - 1] as OutputRecord };
    const summary = await processor.process(opened.body, { source, options: route.options ?? {}, signal: deps.signal }, sink);
    return { status: 'processed', outputs, counts: summary.counts, processor: identify(processor) };
  } catch (error: unknown) {
    if (error instanceof RejectionError) return { status: 'rejected', reason: error.message, outputs, counts: {}, processor: identify(processor) };
    throw error;
  }
};

/** `decide`, plus S3's own version order when the sequencers tie (LocalStack sends one constant). */
const decideFor = async (stored: Manifest | undefined, source: SourceObject, deps: ObjectDependencies): Promise<Decision> => {
  const decision = decide(stored, source);
  if (decision !== 'process' || stored === undefined || !sequencersTie(stored.source, source)) return decision;
  return (await currentVersionId(deps.s3, source, deps.signal)) === stored.source.versionId ? 'stale' : 'process';
};

/** Attempts at the manifest write; a lost race re-reads and decides again. */
const MAX_WRITE_ATTEMPTS = 3;

const DUPLICATE: ObjectOutcome = { status: 'duplicate', reason: 'this version already has a manifest' };
const STALE: ObjectOutcome = { status: 'skipped', reason: 'a newer version of this key was already processed' };

const record = async (key: string, manifest: Manifest, stored: StoredManifest | undefined, deps: ObjectDependencies): Promise<ObjectOutcome> => {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    if (await deps.manifests.write(key, manifest, stored, deps.signal)) {
      return manifest.status === 'processed'
        ? { status: 'processed', bytes: manifest.outputs.reduce((sum, output) => sum + output.bytes, 0) }
        : { status: 'rejected', reason: manifest.reason ?? 'rejected' };
    }
    stored = await deps.manifests.read(key, deps.signal);
    const decision = await decideFor(stored?.manifest, manifest.source, deps);
    if (decision !== 'process') return decision === 'duplicate' ? DUPLICATE : STALE;
  }
  throw new TransientError(`manifest ${key}: lost ${MAX_WRITE_ATTEMPTS} conditional-write races`, { key });
};

/** Never throws: every error becomes an outcome of the failure model. */
export const processObject = async (object: ObjectWork, deps: ObjectDependencies): Promise<ObjectOutcome> => {
  try {
    const key = manifestKeyFor(object.source, deps.uploadBucket, object.rejection === undefined);
    const stored = await deps.manifests.read(key, deps.signal);
    const decision = await decideFor(stored?.manifest, object.source, deps);
    if (decision !== 'process') return decision === 'duplicate' ? DUPLICATE : STALE;
    const startedAt = Date.now();
    const result = await run(object, deps);
    const finishedAt = Date.now();
    const timings = { startedAt: new Date(startedAt).toISOString(), finishedAt: new Date(finishedAt).toISOString(), durationMs: finishedAt - startedAt };
    return await record(key, { schemaVersion: 1, source: object.source, ...result, timings }, stored, deps);
  } catch (error: unknown) {
    if (error instanceof SupersededError) return { status: 'skipped', reason: error.message };
    if (deps.signal.aborted) return { status: 'retry', reason: messageOf(deps.signal.reason) };
    const reason = error instanceof ServiceError ? error.message : `unexpected ${error instanceof Error ? error.name : 'error'}: ${messageOf(error)}`;
    return { status: 'retry', reason };
  }
};
