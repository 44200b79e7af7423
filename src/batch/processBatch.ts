import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SourceObject } from '../types.js';
import { forEachWithLimit } from './forEachWithLimit.js';
import { type ObjectDependencies, processObject } from './processObject.js';
import type { BatchContext, FinishedObject, Rejection, RoutedObject } from './types.js';

export type BatchDependencies = Omit<ObjectDependencies, 'signal'> & { readonly concurrency: number };

/**
 * The handler body: runs every validated object, `concurrency` at a time, while the time budget
 * allows, and records each outcome in `context.outcomes` as it comes (so an unexpected error
 * midway keeps what finished). The response itself is built by `partialBatchResponse`.
 */
export const processBatch =
  (deps: BatchDependencies) =>
  async (_event: SQSEvent, context: BatchContext): Promise<SQSBatchResponse> => {
    const { tasks } = context;
    if (tasks === undefined) throw new Error('processBatch: no validated tasks; use validateS3Records before it');
    const outcomes = new Map<SourceObject, FinishedObject>();
    context.outcomes = outcomes;
    const toRun: (RoutedObject | Rejection)[] = [];
    for (const task of tasks) {
      if (task.kind === 'skipped') outcomes.set(task.source, { outcome: { status: 'skipped', reason: task.reason } });
      else toRun.push(task);
    }
    const objectDeps = { ...deps, signal: context.signal };
    await forEachWithLimit(toRun, deps.concurrency, async (task) => {
      // Left without an outcome, the object's message is reported as failed and retried.
      if (!context.mayStart()) return;
      const started = performance.now();
      const outcome = await processObject(task, objectDeps);
      outcomes.set(task.source, { outcome, durationMs: Math.round(performance.now() - started) });
    });
    return { batchItemFailures: [] };
  };
