/**
 * The ordering policy: what to do with an event, given the manifest already stored for its key.
 * The same version again is a duplicate; an older version than the one recorded is stale. S3
 * event sequencers order the events of one key; on AWS every event of a key carries a larger
 * sequencer than the one before. LocalStack 4.14 sends one constant ('0055AED6DCD90281E5') in
 * every event, so when sequencers tie the order comes from S3 itself (the key's current version).
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SourceObject } from '../types.js';
import { classifyS3Error, httpStatusOf } from './classifyS3Error.js';

/**
 * Sequencers are hex strings of varying length, compared after right-padding with zeros (AWS S3
 * event notification docs).
 * @example compareSequencers('0A1', '0A10') // 0
 */
export const compareSequencers = (a: string, b: string): number => {
  const length = Math.max(a.length, b.length);
  const left = a.toUpperCase().padEnd(length, '0');
  const right = b.toUpperCase().padEnd(length, '0');
  return left < right ? -1 : left > right ? 1 : 0;
};

export type Decision = 'process' | 'duplicate' | 'stale';

/**
 * True when both events name different versions and their sequencers say nothing about which is
 * newer: equal, or one missing (a `sls files:backfill` request: S3 never sent an event for it).
 */
const sequencersTie = (a: SourceObject, b: SourceObject): boolean =>
  a.versionId !== undefined &&
  b.versionId !== undefined &&
  a.versionId !== b.versionId &&
  (a.sequencer === '' || b.sequencer === '' || compareSequencers(a.sequencer, b.sequencer) === 0);

/** The decision from the events alone. @example decide(undefined, source) // 'process' */
export const decide = (recorded: SourceObject | undefined, source: SourceObject): Decision => {
  if (recorded === undefined) return 'process';
  const sameVersion = source.versionId !== undefined ? recorded.versionId === source.versionId : recorded.eTag === source.eTag && source.eTag !== undefined;
  if (sameVersion) return 'duplicate';
  // Unknown order: 'process' here, and `decideOrder` asks S3.
  if (sequencersTie(recorded, source)) return 'process';
  return compareSequencers(recorded.sequencer, source.sequencer) > 0 ? 'stale' : 'process';
};

/** The key's current version id (HeadObject, covered by s3:GetObject), or `undefined` when the key is gone. */
const currentVersionId = async (s3: S3Client, source: SourceObject, abortSignal: AbortSignal): Promise<string | undefined> => {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key }), { abortSignal })).VersionId;
  } catch (error: unknown) {
    if (httpStatusOf(error) === 404) return undefined;
    throw classifyS3Error(error, `reading the current version of s3://${source.bucket}/${source.key}`, { bucket: source.bucket, key: source.key });
  }
};

/**
 * `decide`, asking S3 when the sequencers tie: an event for any version other than the current
 * one, arriving after the current one was recorded, is older.
 */
export const decideOrder = async (recorded: SourceObject | undefined, source: SourceObject, s3: S3Client, signal: AbortSignal): Promise<Decision> => {
  const decision = decide(recorded, source);
  if (decision !== 'process' || recorded === undefined || !sequencersTie(recorded, source)) return decision;
  return (await currentVersionId(s3, source, signal)) === recorded.versionId ? 'stale' : 'process';
};
