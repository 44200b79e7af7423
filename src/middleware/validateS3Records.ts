/**
 * Checks every S3 record before any byte is read: the right bucket, a route for the key,
 * a size within the limit, a key that maps safely into the results layout. A failed check
 * is permanent for that object: it is recorded as a rejection, not retried.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { BatchContext, ObjectWork } from '../batch/types.js';
import { findRoute } from '../config/checkRoutes.js';
import type { Route } from '../config/types.js';
import { unsafeKeyReason } from '../storage/resultKeys.js';

export interface ValidateOptions {
  readonly uploadBucket: string;
  readonly routes: readonly Route[];
  readonly maxObjectBytes: number;
}

/** `orders: incoming/orders/*{.csv,.csv.gz}; images: …`, for a rejection that says what was missed. */
const describeRoutes = (routes: readonly Route[]): string =>
  routes.map((route) => `${route.id}: ${route.prefix}*{${route.suffixes.join(',')}}`).join('; ');

/** Why this object must be rejected, or `undefined` when it may be processed. */
export const rejectionReason = (object: ObjectWork, options: ValidateOptions): string | undefined => {
  const { bucket, key, size } = object.source;
  if (bucket !== options.uploadBucket) return `bucket: must be the upload bucket '${options.uploadBucket}', '${bucket}' given`;
  const unsafe = unsafeKeyReason(key);
  if (unsafe !== undefined) return unsafe;
  if (object.route === undefined) return `key: matches no route (${describeRoutes(options.routes)}; suffixes in any case), '${key}' given`;
  if (size > options.maxObjectBytes) return `size: must be at most ${options.maxObjectBytes} bytes, ${size} given`;
  return undefined;
};

export const validateS3Records = (options: ValidateOptions): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const validateS3RecordsBefore = (request: Request<SQSEvent, SQSBatchResponse, Error, BatchContext>): void => {
    for (const object of request.context.batch.flatMap((message) => message.objects)) {
      if (object.outcome !== undefined) continue;
      object.route = findRoute(options.routes, object.source.key);
      object.rejection = rejectionReason(object, options);
    }
  };
  return { before: validateS3RecordsBefore };
};
