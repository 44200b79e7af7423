/**
 * Decides what happens to every parsed S3 object before any byte is read: an event type that is
 * not routed is skipped; otherwise the right bucket, a key that maps safely into the results
 * layout, a route for the key and a size within the limit make it a `RoutedObject`, and the
 * first check that fails makes it a `Rejection` (permanent: recorded, never retried).
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { BatchContext, ObjectTask, ParsedObject } from '../batch/types.js';
import { findRoute } from '../config/routes.js';
import type { AnyRoute } from '../config/types.js';
import { manifestKey, unmappedManifestKey, unsafeKeyReason } from '../storage/resultKeys.js';

export interface ValidateOptions {
  readonly uploadBucket: string;
  readonly routes: readonly AnyRoute[];
  readonly maxObjectBytes: number;
}

/** `orders: incoming/orders/*{.csv,.csv.gz}; images: …`, for a rejection that says what was missed. */
const describeRoutes = (routes: readonly AnyRoute[]): string => routes.map((route) => `${route.id}: ${route.prefix}*{${route.suffixes.join(',')}}`).join('; ');

/** A rejection recorded beside the key's own manifest. */
const rejection = (source: ParsedObject['source'], delivery: ParsedObject['delivery'], reason: string): ObjectTask => ({
  kind: 'rejected',
  source,
  reason,
  manifestKey: manifestKey(source.key),
  delivery,
});

/** @example validateObject(parsed, options).kind // 'routed' | 'rejected' | 'skipped' */
export const validateObject = ({ eventName, source, delivery }: ParsedObject, options: ValidateOptions): ObjectTask => {
  if (!eventName.startsWith('ObjectCreated:')) return { kind: 'skipped', source, reason: `event '${eventName}' is not routed` };
  const { bucket, key, size } = source;
  // Neither a foreign bucket nor an unsafe key may name a manifest: those rejections go under a hash.
  const unmapped = bucket !== options.uploadBucket ? `bucket: must be the upload bucket '${options.uploadBucket}', '${bucket}' given` : unsafeKeyReason(key);
  if (unmapped !== undefined) return { kind: 'rejected', source, reason: unmapped, manifestKey: unmappedManifestKey(source), delivery };
  const route = findRoute(options.routes, key);
  if (route === undefined)
    return rejection(source, delivery, `key: matches no route (${describeRoutes(options.routes)}; suffixes in any case), '${key}' given`);
  if (size > options.maxObjectBytes) return rejection(source, delivery, `size: must be at most ${options.maxObjectBytes} bytes, ${size} given`);
  return { kind: 'routed', source, route, manifestKey: manifestKey(key), delivery };
};

export const validateS3Records = (options: ValidateOptions): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const validateS3RecordsBefore = (request: Request<SQSEvent, SQSBatchResponse, Error, BatchContext>): void => {
    const { messages } = request.context;
    if (messages === undefined) throw new Error('validateS3Records: no parsed messages; use parseS3Notifications before it');
    request.context.tasks = messages.flatMap((message) => (message.kind === 'objects' ? message.objects.map((object) => validateObject(object, options)) : []));
  };
  return { before: validateS3RecordsBefore };
};
