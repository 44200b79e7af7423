/**
 * X-Ray tracing of the worker (stage setting `tracing`): Powertools Tracer's handler subsegment,
 * the S3 client's calls as subsegments, and annotations on the batch (searchable in X-Ray) with
 * what it held and how it ended. Imported by `worker.ts` only when `TRACING=on`, so the Tracer
 * and the X-Ray SDK cost nothing at cold start otherwise.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { BatchContext } from '../batch/types.js';

type BatchMiddleware = MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext>;

/** Annotates the handler's subsegment (opened by `captureLambdaHandler`, used before it) once the response is known. */
const annotateBatch = (tracer: Tracer): BatchMiddleware => {
  const annotateBatchAfter = (request: Request<SQSEvent, SQSBatchResponse, Error, BatchContext>): void => {
    tracer.putAnnotation('messages', request.event.Records?.length ?? 0);
    tracer.putAnnotation('objects', request.context.tasks?.length ?? 0);
    tracer.putAnnotation('failedMessages', request.response?.batchItemFailures.length ?? 0);
  };
  return { after: annotateBatchAfter, onError: annotateBatchAfter };
};

/**
 * The tracer's middlewares for the chain, and the S3 client wrapped so its calls are traced.
 * @example const tracing = await traceBatch(s3); createWorker({ ...deps, s3: tracing.s3, tracing: tracing.middlewares })
 */
export const traceBatch = async (s3: S3Client) => {
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  const tracer = new Tracer();
  return {
    s3: tracer.captureAWSv3Client(s3),
    middlewares: [captureLambdaHandler(tracer, { captureResponse: false }), annotateBatch(tracer)] as BatchMiddleware[],
  };
};
