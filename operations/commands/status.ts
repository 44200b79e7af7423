/**
 * `sls files:status <key> [--version V]`: where one upload is. Its manifest when its version has
 * one (processed or rejected, with reason, counts, outputs and timings); otherwise the DLQ
 * (peeked, left as found), the queue (pending), or why it was never notified.
 * Exit codes for scripts: 0 processed, 1 rejected or in the DLQ, 2 unknown, 3 pending.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { LastFailure } from '../../src/middleware/recordLastFailures.js';
import { INBOX } from '../../src/config/routes.js';
import { httpStatusOf } from '../../src/storage/classifyS3Error.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { lastFailureKey, recordedManifestKey } from '../../src/storage/resultKeys.js';
import { formatBytes } from '../progress.js';
import { objectsIn, peekMessages, queueDepth } from '../queues.js';
import type { Stage } from '../stage.js';

export const EXIT_CODES = { processed: 0, rejected: 1, dlq: 1, unknown: 2, pending: 3 } as const;

export type FileStatus =
  | { readonly state: 'processed' | 'rejected'; readonly versionId?: string; readonly manifest: Manifest }
  | {
      readonly state: 'dlq';
      readonly versionId?: string;
      readonly messageId: string;
      readonly receiveCount: number;
      readonly sentAt?: string;
      /** What the worker recorded on the last receive (recordLastFailures), when it could. */
      readonly lastFailure?: LastFailure;
    }
  | { readonly state: 'pending'; readonly versionId?: string; readonly queued: number; readonly inFlight: number; readonly recordedVersion?: string }
  | { readonly state: 'unknown'; readonly reason: string };

const headVersion = async (stage: Stage, key: string, versionId: string | undefined) => {
  try {
    const head = await stage.s3.send(new HeadObjectCommand({ Bucket: stage.outputs.UploadBucketName, Key: key, VersionId: versionId }));
    return { versionId: head.VersionId, eTag: head.ETag };
  } catch (error: unknown) {
    const status = httpStatusOf(error);
    if (status === 404 || status === 400) return undefined;
    throw error;
  }
};

const sameVersion = (manifest: Manifest, version: { versionId?: string; eTag?: string }): boolean =>
  version.versionId !== undefined ? manifest.source.versionId === version.versionId : manifest.source.eTag === version.eTag;

export interface StatusOptions {
  readonly version?: string;
  /** Whether to look in the DLQ when there is no manifest (a peek: costs receives on a large DLQ). */
  readonly checkDlq?: boolean;
}

const lastFailureOf = async (stage: Stage, key: string, versionId: string | undefined): Promise<LastFailure | undefined> => {
  try {
    const response = await stage.s3.send(
      new GetObjectCommand({ Bucket: stage.outputs.ResultsBucketName, Key: lastFailureKey({ bucket: stage.outputs.UploadBucketName, key }) }),
    );
    const recorded = JSON.parse((await response.Body?.transformToString()) ?? '') as LastFailure;
    return recorded.source.versionId === versionId ? recorded : undefined;
  } catch (error: unknown) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/** @example await statusOf(stage, 'incoming/orders/day.csv') // { state: 'processed', manifest } */
export const statusOf = async (stage: Stage, key: string, options: StatusOptions = {}): Promise<FileStatus> => {
  if (!key.startsWith(INBOX))
    return { state: 'unknown', reason: `never notified: ${key} is outside the inbox (${INBOX}); only uploads under it are processed` };
  const version = await headVersion(stage, key, options.version);
  if (version === undefined) {
    const which = options.version === undefined ? '' : ` version ${options.version}`;
    return { state: 'unknown', reason: `no object ${key}${which} in s3://${stage.outputs.UploadBucketName}` };
  }
  const stored = await stage.manifests.read(recordedManifestKey({ bucket: stage.outputs.UploadBucketName, key }, stage.outputs.UploadBucketName));
  if (stored !== undefined && sameVersion(stored.manifest, version)) {
    return { state: stored.manifest.status, versionId: version.versionId, manifest: stored.manifest };
  }
  if (options.checkDlq !== false) {
    let found: Extract<FileStatus, { state: 'dlq' }> | undefined;
    await peekMessages(stage.sqs, stage.outputs.DeadLetterQueueUrl, {
      onMessage: (message) => {
        const named = objectsIn(message.Body).some(
          (object) => object.key === key && (object.versionId === undefined || object.versionId === version.versionId),
        );
        if (!named) return false;
        const sent = message.Attributes?.SentTimestamp;
        found = {
          state: 'dlq',
          versionId: version.versionId,
          messageId: message.MessageId ?? '',
          // Our own peek received it once more.
          receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1) - 1,
          sentAt: sent === undefined ? undefined : new Date(Number(sent)).toISOString(),
        };
        return true;
      },
    });
    if (found !== undefined) return { ...found, lastFailure: await lastFailureOf(stage, key, version.versionId) };
  }
  const depth = await queueDepth(stage.sqs, stage.outputs.QueueUrl);
  return {
    state: 'pending',
    versionId: version.versionId,
    queued: depth.visible,
    inFlight: depth.inFlight,
    recordedVersion: stored?.manifest.source.versionId,
  };
};

/** Human-readable lines for a status; the first line is the verdict. */
export const describeStatus = (key: string, status: FileStatus): string[] => {
  const version = 'versionId' in status && status.versionId !== undefined ? ` (version ${status.versionId})` : '';
  switch (status.state) {
    case 'processed':
    case 'rejected': {
      const { manifest } = status;
      const counts = Object.entries(manifest.counts).map(([name, value]) => `${name} ${value}`);
      const processor = manifest.processor === null ? 'no processor' : `${manifest.processor.name} ${manifest.processor.version}`;
      return [
        `${status.state === 'processed' ? '✔ processed' : '✖ rejected'} ${key}${version}${manifest.reason === undefined ? '' : `: ${manifest.reason}`}`,
        `  by ${processor} in ${manifest.timings.durationMs} ms, finished ${manifest.timings.finishedAt}`,
        ...(counts.length > 0 ? [`  counts: ${counts.join(', ')}`] : []),
        ...manifest.outputs.map((output) => `  → ${output.key} (${formatBytes(output.bytes)})`),
      ];
    }
    case 'dlq': {
      const failed = status.lastFailure;
      return [
        `✖ in the DLQ ${key}${version}: failed ${status.receiveCount} time(s), message ${status.messageId}${status.sentAt === undefined ? '' : ` sent ${status.sentAt}`}`,
        failed === undefined
          ? `  the reason is in the worker's log under messageId ${status.messageId}`
          : `  last error (receive ${failed.receiveCount}, ${failed.failedAt}): ${failed.reason}`,
        "  after a fix, 'sls files:dlq redrive' retries it",
      ];
    }
    case 'pending': {
      const older = status.recordedVersion === undefined ? '' : `; the last manifest is for version ${status.recordedVersion}`;
      return [`… pending ${key}${version}: no outcome yet (queue: ${status.queued} waiting, ${status.inFlight} in flight)${older}`];
    }
    case 'unknown':
      return [`? ${status.reason}`];
  }
};
