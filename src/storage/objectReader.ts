import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { SourceObject } from '../types.js';
import { TransientError } from '../errors.js';
import { classifyS3Error } from './classifyS3Error.js';

export interface OpenedObject {
  readonly body: Readable;
  readonly contentType: string | undefined;
}

/**
 * Opens exactly the version the event names: by `VersionId` when the bucket is versioned,
 * otherwise `IfMatch` on the event's ETag, so an overwritten object is left to its own event.
 */
export const openObject = async (s3: S3Client, source: SourceObject, abortSignal: AbortSignal): Promise<OpenedObject> => {
  const version = source.versionId !== undefined ? { VersionId: source.versionId } : source.eTag !== undefined ? { IfMatch: `"${source.eTag}"` } : {};
  const where = { bucket: source.bucket, key: source.key, versionId: source.versionId };
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key, ...version }), { abortSignal });
    if (!(response.Body instanceof Readable)) throw new TransientError(`reading s3://${source.bucket}/${source.key}: no body stream`, where);
    return { body: response.Body, contentType: response.ContentType };
  } catch (error: unknown) {
    throw classifyS3Error(error, `reading s3://${source.bucket}/${source.key}`, where);
  }
};
