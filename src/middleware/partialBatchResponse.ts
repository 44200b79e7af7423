/**
 * Answers SQS with exactly the messages to retry (`ReportBatchItemFailures`). Also on an
 * unexpected error: finished messages stay acknowledged, the rest are reported, so one
 * bug never sends a whole batch back — nor silently drops it.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { messageFailure } from '../batch/messageFailure.js';
import type { BatchContext } from '../batch/types.js';

type BatchRequest = Request<SQSEvent, SQSBatchResponse, Error, BatchContext>;

const failuresOf = (request: BatchRequest): SQSBatchResponse => {
  const { messages, outcomes } = request.context;
  // The chain failed before parsing: every message is retried.
  if (messages === undefined) return { batchItemFailures: request.event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
  const failed = messages.filter((message) => messageFailure(message, outcomes) !== undefined);
  return { batchItemFailures: failed.map(({ record }) => ({ itemIdentifier: record.messageId })) };
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
