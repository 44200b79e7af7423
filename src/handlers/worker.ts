/**
 * The worker: SQS batch of S3 notifications in, `batchItemFailures` out.
 * Read bottom-up as the request flows: parse → validate → process → log → respond.
 */
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processBatch } from '../batch/processBatch.js';
import type { BatchContext } from '../batch/types.js';
import { loadWorkerConfig } from '../config/runtime.js';
import { logOutcomes } from '../middleware/logOutcomes.js';
import { parseS3Notifications } from '../middleware/parseS3Notifications.js';
import { partialBatchResponse } from '../middleware/partialBatchResponse.js';
import { timeBudget } from '../middleware/timeBudget.js';
import { validateS3Records } from '../middleware/validateS3Records.js';
import { logger, metrics } from '../observability.js';
import { ManifestStore } from '../storage/manifestStore.js';

const config = loadWorkerConfig(process.env);
const s3 = new S3Client({ forcePathStyle: config.s3ForcePathStyle });

export const handler = middy<SQSEvent, SQSBatchResponse, Error, BatchContext>()
  .use(partialBatchResponse())
  .use(logOutcomes({ logger, metrics, maxReceives: config.maxReceives }))
  .use(timeBudget())
  .use(parseS3Notifications())
  .use(validateS3Records(config))
  .handler(
    processBatch({
      s3,
      manifests: new ManifestStore(s3, config.resultsBucket),
      uploadBucket: config.uploadBucket,
      resultsBucket: config.resultsBucket,
      concurrency: config.recordConcurrency,
    }),
  );
