/**
 * Orders two versions of one key when their event sequencers tie. On AWS they never do: every
 * event of a key carries a larger sequencer than the one before. LocalStack 4.14 sends the same
 * constant ('0055AED6DCD90281E5') in every event, so there the order must come from S3 itself.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SourceObject } from '../processors/types.js';
import { classifyS3Error } from './classifyS3Error.js';
import { compareSequencers } from './sequencer.js';

/** True when both events name versions and their sequencers say nothing about which is newer. */
export const sequencersTie = (a: SourceObject, b: SourceObject): boolean =>
  a.versionId !== undefined && b.versionId !== undefined && a.versionId !== b.versionId && compareSequencers(a.sequencer, b.sequencer) === 0;

/**
 * The key's current version id (HeadObject, covered by s3:GetObject), or `undefined` when the
 * key is gone. An event for any version other than the current one, arriving after the current
 * one was processed, is older.
 */
export const currentVersionId = async (s3: S3Client, source: SourceObject, abortSignal: AbortSignal): Promise<string | undefined> => {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key }), { abortSignal })).VersionId;
  } catch (error: unknown) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw classifyS3Error(error, `reading the current version of s3://${source.bucket}/${source.key}`, { bucket: source.bucket, key: source.key });
  }
};
