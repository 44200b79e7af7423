/**
 * `sls files:backfill [--prefix P] [--since DATE] [--rate N/s] [--dry-run] [--continue TOKEN]`:
 * the objects that were in the inbox before the pipeline (or while notifications were off) and
 * have no manifest for their current version are enqueued as S3-shaped notifications, through
 * the same queue, so the worker's limits, retries and DLQ apply. Resumable: the token it prints
 * (on Ctrl-C, or with each progress line) restarts the listing after the last key it finished.
 */
import { ListObjectVersionsCommand, type ObjectVersion } from '@aws-sdk/client-s3';
import { INBOX } from '../../src/config/routes.js';
import { recordedManifestKey } from '../../src/storage/resultKeys.js';
import { createEnqueuer, parseRate } from '../enqueue.js';
import { createProgress } from '../progress.js';
import type { Stage } from '../stage.js';

/** Where a listing resumes: the markers of the page to read next (ListObjectVersions). */
interface Position {
  readonly keyMarker?: string;
  readonly versionIdMarker?: string;
}

/** @example decodeToken(encodeToken({ keyMarker: 'incoming/a.csv' })) // { keyMarker: 'incoming/a.csv' } */
export const encodeToken = (position: Position): string => Buffer.from(JSON.stringify([position.keyMarker, position.versionIdMarker])).toString('base64url');
export const decodeToken = (token: string): Position => {
  try {
    const [keyMarker, versionIdMarker] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [unknown, unknown];
    if (typeof keyMarker !== 'string' || !(versionIdMarker === undefined || versionIdMarker === null || typeof versionIdMarker === 'string')) throw new Error();
    return { keyMarker, versionIdMarker: versionIdMarker ?? undefined };
  } catch {
    throw new RangeError(`--continue: not a token files:backfill printed, '${token}' given`);
  }
};

export const parseSince = (raw: unknown): Date | undefined => {
  if (raw === undefined) return undefined;
  const date = new Date(String(raw));
  if (Number.isNaN(date.getTime())) throw new RangeError(`--since: must be a date like 2026-11-01 or 2026-11-01T12:00:00Z, '${String(raw)}' given`);
  return date;
};

/** `--prefix`: inside the inbox (only that is notified and routed). */
export const parsePrefix = (raw: unknown): string => {
  const prefix = raw === undefined ? INBOX : String(raw);
  if (!prefix.startsWith(INBOX)) throw new RangeError(`--prefix: must be under ${INBOX}, '${prefix}' given`);
  return prefix;
};

/** `--page-size`: 1–1000, ListObjectVersions' range. */
export const parsePageSize = (raw: unknown): number => {
  const size = raw === undefined ? 1000 : Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw new RangeError(`--page-size: must be a whole number from 1 to 1000, '${String(raw)}' given`);
  return size;
};

export interface BackfillCounts {
  listed: number;
  enqueued: number;
  alreadyDone: number;
  older: number;
}

export const backfill = async (stage: Stage, options: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<BackfillCounts> => {
  const prefix = parsePrefix(options.prefix);
  const since = parseSince(options.since);
  const dryRun = options['dry-run'] === true;
  const pageSize = parsePageSize(options['page-size']);
  const bucket = stage.outputs.UploadBucketName;
  const enqueuer = createEnqueuer(stage, 'backfill', parseRate(options.rate));
  const counts: BackfillCounts = { listed: 0, enqueued: 0, alreadyDone: 0, older: 0 };
  const progress = createProgress();
  const line = () =>
    `listed ${counts.listed}, ${dryRun ? 'would enqueue' : 'enqueued'} ${counts.enqueued}, already processed ${counts.alreadyDone}, older than --since ${counts.older}`;
  let position: Position = options.continue === undefined ? {} : decodeToken(String(options.continue));

  const consider = async (version: ObjectVersion) => {
    const key = version.Key ?? '';
    counts.listed++;
    if (since !== undefined && (version.LastModified ?? new Date(0)) < since) counts.older++;
    else {
      const stored = await stage.manifests.read(recordedManifestKey({ bucket, key }, bucket));
      if (stored !== undefined && stored.manifest.source.versionId === version.VersionId) counts.alreadyDone++;
      else {
        counts.enqueued++;
        // No sequencer: S3 never sent one for this version; the worker asks S3 which version is current.
        const source = { bucket, key, versionId: version.VersionId, eTag: version.ETag?.replaceAll('"', ''), size: version.Size ?? 0, sequencer: '' };
        if (!dryRun) await enqueuer.add(source);
      }
    }
  };

  let finished = false;
  while (!finished && !signal?.aborted) {
    const page = await stage.s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: position.keyMarker,
        VersionIdMarker: position.versionIdMarker,
        MaxKeys: pageSize,
      }),
    );
    // The current version of each key (S3 lists it first); a key whose latest entry is a delete marker is gone.
    const current = (page.Versions ?? []).filter((version) => version.IsLatest === true);
    for (let start = 0; start < current.length && !signal?.aborted; start += 16) await Promise.all(current.slice(start, start + 16).map(consider));
    await enqueuer.flush();
    // Interrupted inside a page: the token stays at its start; what was enqueued twice, the worker sees as a duplicate.
    if (signal?.aborted) break;
    finished = page.IsTruncated !== true;
    position = { keyMarker: page.NextKeyMarker, versionIdMarker: page.NextVersionIdMarker };
    if (!finished) progress.update(`${line()}; resume with --continue ${encodeToken(position)}`);
  }
  if (finished) progress.done(`backfill of s3://${bucket}/${prefix} done: ${line()}`);
  else progress.done(`interrupted: ${line()}; resume with --continue ${encodeToken(position)}`);
  return counts;
};
