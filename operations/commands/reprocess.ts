/**
 * `sls files:reprocess [--processor NAME] [--below-version V] [--prefix P] [--dry-run]`: runs
 * again the files whose manifest an older processor version wrote (default: older than the
 * version in this checkout). Requests carry the `reprocess` attribute, so the worker replaces
 * the manifest instead of calling them duplicates; a version no longer current is left alone
 * (its key's newer version has its own event).
 */
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { loadProcessor } from '../../src/processors/registry.js';
import { httpStatusOf } from '../../src/storage/classifyS3Error.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { createEnqueuer, parseRate } from '../enqueue.js';
import { createProgress } from '../progress.js';
import type { Stage } from '../stage.js';
import { parsePrefix } from './backfill.js';

/**
 * Dotted versions compared number by number (`1.10.0` > `1.9.2`); a missing part counts as 0.
 * @example compareVersions('1.0', '1.0.1') // -1
 */
export const compareVersions = (a: string, b: string): number => {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
};

export const parseVersion = (raw: unknown): string | undefined => {
  if (raw === undefined) return undefined;
  const version = String(raw);
  if (!/^\d+(\.\d+)*$/.test(version)) throw new RangeError(`--below-version: must be a version like 1.2.0, '${version}' given`);
  return version;
};

export interface ReprocessCounts {
  manifests: number;
  selected: number;
  superseded: number;
  enqueued: number;
}

export const reprocess = async (stage: Stage, options: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<ReprocessCounts> => {
  const prefix = parsePrefix(options.prefix);
  const below = parseVersion(options['below-version']);
  const only = options.processor === undefined ? undefined : String(options.processor);
  if (only !== undefined) await loadProcessor(only); // an unknown name fails here, with the known ones
  const dryRun = options['dry-run'] === true;
  const currentVersions = new Map<string, Promise<string>>();
  const currentVersion = (name: string): Promise<string> => {
    const known = currentVersions.get(name);
    if (known !== undefined) return known;
    const loading = loadProcessor(name).then((module) => module.version);
    currentVersions.set(name, loading);
    return loading;
  };
  const enqueuer = createEnqueuer(stage, 'reprocess', parseRate(options.rate));
  const counts: ReprocessCounts = { manifests: 0, selected: 0, superseded: 0, enqueued: 0 };
  const progress = createProgress();
  const line = () =>
    `read ${counts.manifests} manifest(s), ${counts.selected} written by an older version, ${counts.superseded} of them no longer current, ${dryRun ? 'would enqueue' : 'enqueued'} ${counts.enqueued}`;

  const isOlder = async (manifest: Manifest): Promise<boolean> => {
    const processor = manifest.processor;
    if (processor === null || (only !== undefined && processor.name !== only)) return false;
    return compareVersions(processor.version, below ?? (await currentVersion(processor.name))) < 0;
  };
  const isCurrent = async (manifest: Manifest): Promise<boolean> => {
    const { bucket, key, versionId } = manifest.source;
    const head = await stage.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
      if (httpStatusOf(error) === 404) return undefined;
      throw error;
    });
    return head !== undefined && head.VersionId === versionId;
  };
  const consider = async (manifestKey: string) => {
    const stored = await stage.manifests.read(manifestKey);
    counts.manifests++;
    if (stored === undefined || !(await isOlder(stored.manifest))) return;
    counts.selected++;
    if (!(await isCurrent(stored.manifest))) {
      counts.superseded++;
      return;
    }
    counts.enqueued++;
    if (!dryRun) await enqueuer.add(stored.manifest.source);
  };

  let token: string | undefined;
  do {
    const page = await stage.s3.send(
      new ListObjectsV2Command({ Bucket: stage.outputs.ResultsBucketName, Prefix: `manifests/${prefix}`, ContinuationToken: token }),
    );
    const keys = (page.Contents ?? []).map((object) => object.Key ?? '').filter((key) => key.endsWith('.json'));
    for (let start = 0; start < keys.length && !signal?.aborted; start += 16) await Promise.all(keys.slice(start, start + 16).map(consider));
    await enqueuer.flush();
    progress.update(line());
    token = page.NextContinuationToken;
  } while (token !== undefined && !signal?.aborted);
  await enqueuer.flush();
  progress.done(`${signal?.aborted ? 'interrupted' : 'reprocess requested'}: ${line()}`);
  return counts;
};
