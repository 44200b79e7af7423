/**
 * Manifests make the pipeline idempotent without another database: one per input key,
 * written last with an S3 conditional write that decides between writers; read before processing
 * a large file or a retried message, and after a lost write (when to read is `processObject.ts`'s
 * call, what to skip `versionOrder.ts`'s; this file only reads and writes them).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OutputRecord, SourceObject } from '../types.js';
import { classifyS3Error, httpStatusOf } from './classifyS3Error.js';

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
    const body = JSON.stringify(manifest);
    const input =
      previous === undefined
        ? { Bucket: this.resultsBucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }
        : { Bucket: this.resultsBucket, Key: key, Body: body, ContentType: 'application/json', IfMatch: previous.etag };
    try {
      await this.s3.send(new PutObjectCommand(input), { abortSignal });
      return true;
    } catch (error: unknown) {
      const status = httpStatusOf(error);
      // 412: the condition failed; 409: a concurrent conditional write is in progress.
      if (status === 412 || status === 409) return false;
      throw classifyS3Error(error, `writing manifest s3://${this.resultsBucket}/${key}`, { bucket: this.resultsBucket, key });
    }
  }
}
