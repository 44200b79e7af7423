/**
 * Manifests make the pipeline idempotent without another database: one per input key,
 * written last with an S3 conditional write, read first to skip work already done.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { OutputRecord, SourceObject } from '../processors/types.js';
import { classifyS3Error } from './classifyS3Error.js';
import { manifestKey, unsafeKeyReason } from './resultKeys.js';
import { compareSequencers } from './sequencer.js';

export interface Manifest {
  readonly schemaVersion: 1;
  readonly source: SourceObject;
  readonly processor: { readonly name: string; readonly version: string } | null;
  readonly status: 'processed' | 'rejected';
  readonly reason?: string;
  readonly outputs: readonly OutputRecord[];
  readonly counts: Readonly<Record<string, number>>;
  readonly timings: { readonly startedAt: string; readonly finishedAt: string; readonly durationMs: number };
}

export interface StoredManifest {
  readonly manifest: Manifest;
  /** The manifest object's own ETag, for the next conditional write. */
  readonly etag: string;
}

/** What to do with an event, given the manifest already stored for its key. */
export type Decision = 'process' | 'duplicate' | 'stale';

export const decide = (stored: Manifest | undefined, source: SourceObject): Decision => {
  if (stored === undefined) return 'process';
  const previous = stored.source;
  const sameVersion = source.versionId !== undefined ? previous.versionId === source.versionId : previous.eTag === source.eTag && source.eTag !== undefined;
  if (sameVersion) return 'duplicate';
  return compareSequencers(previous.sequencer, source.sequencer) > 0 ? 'stale' : 'process';
};

/**
 * Where an object's manifest lives (`knownSafe`: validation already accepted bucket and key). A key that cannot be mapped safely (or an object from
 * another bucket) still gets its rejection recorded, under a hash of bucket and key.
 */
export const manifestKeyFor = (source: SourceObject, uploadBucket: string, knownSafe = false): string =>
  knownSafe || (source.bucket === uploadBucket && unsafeKeyReason(source.key) === undefined)
    ? manifestKey(source.key)
    : `manifests/_unmapped/${createHash('sha256').update(`${source.bucket}/${source.key}`).digest('hex')}.json`;

export class ManifestStore {
  constructor(
    private readonly s3: S3Client,
    private readonly resultsBucket: string,
  ) {}

  async read(key: string, abortSignal?: AbortSignal): Promise<StoredManifest | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.resultsBucket, Key: key }), { abortSignal });
      const manifest = JSON.parse((await response.Body?.transformToString()) ?? '') as Manifest;
      return { manifest, etag: response.ETag ?? '' };
    } catch (error: unknown) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw classifyS3Error(error, `reading manifest s3://${this.resultsBucket}/${key}`, { bucket: this.resultsBucket, key });
    }
  }

  /**
   * Writes only if nothing changed since `previous` was read (or, without `previous`, if no
   * manifest exists). Returns false when another writer won the race.
   */
  async write(key: string, manifest: Manifest, previous: StoredManifest | undefined, abortSignal?: AbortSignal): Promise<boolean> {
    const condition = previous === undefined ? { IfNoneMatch: '*' } : { IfMatch: previous.etag };
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.resultsBucket, Key: key, Body: JSON.stringify(manifest), ContentType: 'application/json', ...condition }),
        { abortSignal },
      );
      return true;
    } catch (error: unknown) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 412: the condition failed; 409: a concurrent conditional write is in progress.
      if (status === 412 || status === 409) return false;
      throw classifyS3Error(error, `writing manifest s3://${this.resultsBucket}/${key}`, { bucket: this.resultsBucket, key });
    }
  }
}
