/**
 * Answers SQS with exactly the messages to retry (`ReportBatchItemFailures`). Also on an
 * unexpected error: finished messages stay acknowledged, the rest are reported, so one
 * bug never sends a whole batch back — nor silently drops it.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type BatchContext, messageFailure } from '../batch/types.js';

type BatchRequest = Request<SQSEvent, SQSBatchResponse, Error, BatchContext>;

const failuresOf = (request: BatchRequest): SQSBatchResponse => {
  const batch = request.context.batch;
  // The chain failed before parsing: every message is retried.
  if (batch === undefined) return { batchItemFailures: request.event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
  return {
    batchItemFailures: batch.filter((work) => messageFailure(work) !== undefined).map((work) => ({ itemIdentifier: work.message.messageId })),
  };
};

export const partialBatchResponse = (): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const partialBatchResponseAfter = (request: BatchRequest): void => {
    request.response = failuresOf(request);
  };
  const partialBatchResponseOnError = (request: BatchRequest): void => {
    request.response = failuresOf(request);
  };
  return { after: partialBatchResponseAfter, onError: partialBatchResponseOnError };
};
