/**
 * One validated S3 object, start to finish: read the exact version, run its processor (or take
 * validation's rejection), and record the outcome in a manifest written last with a conditional
 * write, which decides between concurrent and out-of-order deliveries. Whether to look for earlier
 * work before processing depends on what a wasted run would cost (`checksFirst`). Outputs a
 * replaced manifest or a lost race leaves unreferenced are tagged for expiry.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RejectionError, ServiceError, SupersededError, TransientError, messageOf } from '../errors.js';
import type { ProcessorModule, ResultSink } from '../processors/types.js';
import type { Manifest, ManifestStore, StoredManifest } from '../storage/manifestStore.js';
import { openObject } from '../storage/objectReader.js';
import { createS3Sink } from '../storage/s3Sink.js';
import { tagSuperseded, unreferenced } from '../storage/supersededOutputs.js';
import { type Decision, decideOrder } from '../storage/versionOrder.js';
import type { OutputRecord } from '../types.js';
import type { ObjectOutcome, Rejection, RoutedObject } from './types.js';

export interface ObjectDependencies {
  readonly s3: S3Client;
  readonly manifests: ManifestStore;
  readonly resultsBucket: string;
  readonly signal: AbortSignal;
  /** When `signal` aborts (epoch ms), for the processor context. */
  readonly deadline?: number;
  /** The processor lookup; the registry's in production, a fake in tests and benchmarks. */
  readonly loadProcessor: (name: string) => Promise<ProcessorModule>;
}

type Result = Pick<Manifest, 'status' | 'reason' | 'outputs' | 'counts' | 'processor'>;

const identify = (processor: ProcessorModule | undefined) => (processor === undefined ? null : { name: processor.name, version: processor.version });

/** Passes writes on to `sink`, listing what it stored (a rejected object's manifest lists them too). */
const listingOutputs = (sink: ResultSink, outputs: OutputRecord[]): ResultSink => ({
  async write(name, body, contentType) {
    const output = await sink.write(name, body, contentType);
    outputs.push(output);
    return output;
  },
});

/** Runs the route's processor on the object; a `RejectionError` becomes a rejected result. */
const run = async (task: RoutedObject, deps: ObjectDependencies): Promise<Result> => {
  let processor: ProcessorModule | undefined;
  const outputs: OutputRecord[] = [];
  try {
    processor = await deps.loadProcessor(task.route.processor);
    const opened = await openObject(deps.s3, task.source, deps.signal);
    const source = { ...task.source, contentType: opened.contentType };
    const sink = listingOutputs(createS3Sink(deps.s3, deps.resultsBucket, source, deps.signal), outputs);
    const context = { source, options: task.route.options ?? {}, signal: deps.signal, deadline: deps.deadline };
    const summary = await processor.process(opened.body, context, sink);
    return { status: 'processed', outputs, counts: summary.counts, processor: identify(processor) };
  } catch (error: unknown) {
    if (error instanceof RejectionError) return { status: 'rejected', reason: error.message, outputs, counts: {}, processor: identify(processor) };
    throw error;
  }
};

const resultOf = (task: RoutedObject | Rejection, deps: ObjectDependencies): Promise<Result> | Result =>
  task.kind === 'routed' ? run(task, deps) : { status: 'rejected', reason: task.reason, outputs: [], counts: {}, processor: null };

/**
 * Up to this size (the event's), a first delivery is processed without reading the manifest
 * first: the manifest write with `IfNoneMatch` finds out whether the version was done, in 3 S3
 * requests instead of 4 for a new file. A duplicate then costs a processing run, which for ≤ 1 MiB
 * takes about as long as the manifest GET it saves every new file (tens of ms), and duplicates
 * are rare. Beyond it, and for a retried message (an earlier receive may have finished the
 * object), the manifest is read first, so a duplicate of a large file is never processed again.
 */
export const OPTIMISTIC_MAX_BYTES = 1024 * 1024;

/** Whether to read the manifest before processing; a reprocess needs the ETag it replaces. */
const checksFirst = (task: RoutedObject | Rejection): boolean =>
  task.delivery.reprocess || (task.kind === 'routed' && (task.delivery.receiveCount > 1 || task.source.size > OPTIMISTIC_MAX_BYTES));

/** Attempts at the manifest write; a lost race re-reads and decides again. */
const MAX_WRITE_ATTEMPTS = 3;

const notProcessed = (decision: Exclude<Decision, 'process'>): ObjectOutcome =>
  decision === 'duplicate'
    ? { status: 'duplicate', reason: 'this version already has a manifest' }
    : { status: 'skipped', reason: 'a newer version of this key was already processed' };

const withWarning = (outcome: ObjectOutcome, warning: string | undefined): ObjectOutcome => (warning === undefined ? outcome : { ...outcome, warning });

/** Tags what `outputs` has that `kept` lacks; most writes replace nothing, and then there is no promise to await. */
const tag = (outputs: readonly OutputRecord[], kept: readonly OutputRecord[], deps: ObjectDependencies) =>
  outputs.length === 0 ? undefined : tagSuperseded(deps.s3, deps.resultsBucket, unreferenced(outputs, kept), deps.signal);

/**
 * Writes the manifest over `stored` (or where none exists); a lost race re-reads and decides
 * again. Whichever manifest is current in the end, the outputs it does not reference and that
 * this write made unreferenced (the replaced manifest's, or ours when we lost) are tagged.
 */
const record = async (key: string, manifest: Manifest, stored: StoredManifest | undefined, deps: ObjectDependencies): Promise<ObjectOutcome> => {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    if (await deps.manifests.write(key, manifest, stored, deps.signal)) {
      const replaced = stored?.manifest.outputs;
      const warning = replaced === undefined || replaced.length === 0 ? undefined : await tag(replaced, manifest.outputs, deps);
      const outcome: ObjectOutcome =
        manifest.status === 'processed'
          ? { status: 'processed', bytes: manifest.outputs.reduce((sum, output) => sum + output.bytes, 0) }
          : { status: 'rejected', reason: manifest.reason ?? 'rejected' };
      return withWarning(outcome, warning);
    }
    stored = await deps.manifests.read(key, deps.signal);
    const decision = await decideOrder(stored?.manifest.source, manifest.source, deps.s3, deps.signal);
    if (decision !== 'process') return withWarning(notProcessed(decision), await tag(manifest.outputs, stored?.manifest.outputs ?? [], deps));
  }
  throw new TransientError(`manifest ${key}: lost ${MAX_WRITE_ATTEMPTS} conditional-write races`, { key });
};

/** Reads the manifest and decides; an explicit reprocess wins over "this version is done", never over a newer version. */
const earlierWork = async (task: RoutedObject | Rejection, deps: ObjectDependencies) => {
  const stored = await deps.manifests.read(task.manifestKey, deps.signal);
  const decision = await decideOrder(stored?.manifest.source, task.source, deps.s3, deps.signal);
  return { stored, decision: decision === 'duplicate' && task.delivery.reprocess ? 'process' : decision };
};

/**
 * Never throws: every error becomes an outcome of the failure model.
 * @example await processObject(routedObject, deps) // { status: 'processed', bytes: 5 }
 */
export const processObject = async (task: RoutedObject | Rejection, deps: ObjectDependencies): Promise<ObjectOutcome> => {
  try {
    let stored: StoredManifest | undefined;
    if (checksFirst(task)) {
      const found = await earlierWork(task, deps);
      if (found.decision !== 'process') return notProcessed(found.decision);
      stored = found.stored;
    }
    const startedAt = Date.now();
    const result = await resultOf(task, deps);
    const finishedAt = Date.now();
    const timings = { startedAt: new Date(startedAt).toISOString(), finishedAt: new Date(finishedAt).toISOString(), durationMs: finishedAt - startedAt };
    return await record(task.manifestKey, { schemaVersion: 1, source: task.source, ...result, timings }, stored, deps);
  } catch (error: unknown) {
    if (error instanceof SupersededError) return { status: 'skipped', reason: error.message };
    if (deps.signal.aborted) return { status: 'retry', reason: messageOf(deps.signal.reason) };
    const reason = error instanceof ServiceError ? error.message : `unexpected ${error instanceof Error ? error.name : 'error'}: ${messageOf(error)}`;
    return { status: 'retry', reason };
  }
};
