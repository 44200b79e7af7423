/**
 * The worker's Middy chain. Read the `use` calls top-down for responses, bottom-up for
 * requests: parse → validate → (time budget) → process → log → respond.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type BatchDependencies, processBatch } from '../batch/processBatch.js';
import type { BatchContext } from '../batch/types.js';
import type { Route } from '../config/types.js';
import { logOutcomes } from '../middleware/logOutcomes.js';
import { parseS3Notifications } from '../middleware/parseS3Notifications.js';
import { partialBatchResponse } from '../middleware/partialBatchResponse.js';
import { type TimeBudgetOptions, timeBudget } from '../middleware/timeBudget.js';
import { validateS3Records } from '../middleware/validateS3Records.js';

export interface WorkerDependencies extends BatchDependencies {
  readonly routes: readonly Route[];
  readonly maxObjectBytes: number;
  readonly maxReceives: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly timeBudget?: TimeBudgetOptions;
}

export const createWorker = (deps: WorkerDependencies) =>
  middy<SQSEvent, SQSBatchResponse, Error, BatchContext>()
    .use(partialBatchResponse())
    .use(logOutcomes(deps))
    .use(timeBudget(deps.timeBudget))
    .use(parseS3Notifications())
    .use(validateS3Records(deps))
    .handler(processBatch(deps));
