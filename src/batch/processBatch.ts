import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SourceObject } from '../types.js';
import { forEachWithinLimits } from './forEachWithLimit.js';
import { type ObjectDependencies, processObject } from './processObject.js';
import type { BatchContext, FinishedObject, Rejection, RoutedObject } from './types.js';

export type BatchDependencies = Omit<ObjectDependencies, 'signal' | 'deadline'> & {
  /** Large objects processed at once (`RECORD_CONCURRENCY`); smaller ones share a large one's room by size. */
  readonly concurrency: number;
};

/**
 * An object this large (by its event's size) or larger takes a whole share of `concurrency`:
 * processors stream, so what one object holds in memory grows with its size only up to their
 * buffers (the sink's 8 MiB parts, for one). A 2 KiB file takes 1/4096 of a share.
 */
export const LARGE_OBJECT_BYTES = 8 * 1024 * 1024;

/**
 * Objects in flight at most, however small: each holds an S3 connection, and the SDK's pool has
 * 50 sockets. A batch of 10 small files runs in one wave instead of ⌈10 / concurrency⌉.
 */
export const MAX_OBJECTS_IN_FLIGHT = 32;

/** Validation's rejections read nothing, so they weigh nothing. */
const weightOf = (task: RoutedObject | Rejection): number => (task.kind === 'routed' ? Math.min(task.source.size, LARGE_OBJECT_BYTES) : 0);

/**
 * The handler body: runs every validated object within the concurrency limits, while the time
 * budget allows, and records each outcome in `context.outcomes` as it comes (so an unexpected
 * error midway keeps what finished). The response itself is built by `partialBatchResponse`.
 */
export const processBatch = (deps: BatchDependencies) => {
  const limits = { count: Math.max(MAX_OBJECTS_IN_FLIGHT, deps.concurrency), weight: deps.concurrency * LARGE_OBJECT_BYTES, weightOf };
  return async (_event: SQSEvent, context: BatchContext): Promise<SQSBatchResponse> => {
    const { tasks } = context;
    if (tasks === undefined) throw new Error('processBatch: no validated tasks; use validateS3Records before it');
    const outcomes = new Map<SourceObject, FinishedObject>();
    context.outcomes = outcomes;
    const toRun: (RoutedObject | Rejection)[] = [];
    for (const task of tasks) {
      if (task.kind === 'skipped') outcomes.set(task.source, { outcome: { status: 'skipped', reason: task.reason } });
      else toRun.push(task);
    }
    const objectDeps: ObjectDependencies = { ...deps, signal: context.signal, deadline: context.deadline };
    await forEachWithinLimits(toRun, limits, async (task) => {
      // Left without an outcome, the object's message is reported as failed and retried.
      if (!context.mayStart()) return;
      const started = performance.now();
      const outcome = await processObject(task, objectDeps);
      outcomes.set(task.source, { outcome, durationMs: Math.round(performance.now() - started) });
    });
    return { batchItemFailures: [] };
  };
};
