/**
 * The worker's Middy chain. Middy runs `before` hooks in `use` order and `after`/`onError`
 * hooks in reverse, so read the `use` calls top-down for the request (time budget → parse →
 * validate → process) and bottom-up for the response (record last failures → log → respond): `partialBatchResponse`,
 * used first, answers last, after `logOutcomes` has counted what it reports.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type BatchDependencies, processBatch } from '../batch/processBatch.js';
import type { BatchContext } from '../batch/types.js';
import { type LogOutcomesOptions, logOutcomes } from '../middleware/logOutcomes.js';
import { parseS3Notifications } from '../middleware/parseS3Notifications.js';
import { partialBatchResponse } from '../middleware/partialBatchResponse.js';
import { recordLastFailures } from '../middleware/recordLastFailures.js';
import { type TimeBudgetOptions, timeBudget } from '../middleware/timeBudget.js';
import { type ValidateOptions, validateS3Records } from '../middleware/validateS3Records.js';

export type WorkerDependencies = BatchDependencies &
  ValidateOptions &
  LogOutcomesOptions & {
    readonly timeBudget?: TimeBudgetOptions;
    /** Used first, so they see the whole batch and its response (`traceBatch`, when tracing is on). */
    readonly tracing?: readonly MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext>[];
  };

export const createWorker = (deps: WorkerDependencies) =>
  middy<SQSEvent, SQSBatchResponse, Error, BatchContext>()
    .use([...(deps.tracing ?? [])])
    .use(partialBatchResponse())
    .use(logOutcomes(deps))
    .use(recordLastFailures(deps))
    .use(timeBudget(deps.timeBudget))
    .use(parseS3Notifications())
    .use(validateS3Records(deps))
    .handler(processBatch(deps));
