import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type ObjectDependencies, processObject } from './processObject.js';
import { forEachWithLimit } from './forEachWithLimit.js';
import type { BatchContext } from './types.js';

export type BatchDependencies = Omit<ObjectDependencies, 'signal'> & { readonly concurrency: number };

/**
 * The handler body: processes every pending object of the batch, `concurrency` at a time,
 * while the time budget allows. The response is built by `partialBatchResponse`.
 */
export const processBatch =
  (deps: BatchDependencies) =>
  async (_event: SQSEvent, context: BatchContext): Promise<SQSBatchResponse> => {
    const objectDeps = { ...deps, signal: context.signal };
    const pending = context.batch.flatMap((message) => message.objects).filter((object) => object.outcome === undefined);
    await forEachWithLimit(pending, deps.concurrency, async (object) => {
      // Left without an outcome, the object's message is reported as failed and retried.
      if (!context.mayStart()) return;
      const started = performance.now();
      object.outcome = await processObject(object, objectDeps);
      object.durationMs = Math.round(performance.now() - started);
    });
    return { batchItemFailures: [] };
  };
