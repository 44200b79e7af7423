/**
 * What became of each file of a finished batch, for a person watching `npm start`: the manifest
 * the worker wrote for that object version (processed or rejected, counts, reason), or, for a
 * message that failed, that it is back on the queue or on its way to the DLQ.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSRecord } from 'aws-lambda';
import { parseMessage } from '../src/middleware/parseS3Notifications.js';
import { type Manifest, ManifestStore } from '../src/storage/manifestStore.js';
import { recordedManifestKey } from '../src/storage/resultKeys.js';
import type { SourceObject } from '../src/types.js';
import type { BatchOutcome } from './eventSource/sqsEventSource.js';

export type FileOutcome =
  /** The worker wrote this version's manifest. */
  | {
      readonly status: 'processed' | 'rejected';
      readonly key: string;
      readonly versionId?: string;
      readonly counts: Readonly<Record<string, number>>;
      readonly reason?: string;
      readonly durationMs: number;
    }
  /** Acknowledged without a manifest for this version: a delete, or a newer version already recorded. */
  | { readonly status: 'acknowledged'; readonly key: string; readonly versionId?: string }
  /** The message failed: back on the queue, or (its last receive) to the DLQ. */
  | {
      readonly status: 'retrying' | 'dead-lettered';
      readonly key?: string;
      readonly messageId: string;
      readonly receiveCount: number;
      readonly maxReceives: number;
      readonly reason?: string;
    };

export interface OutcomeSources {
  readonly s3: S3Client;
  readonly uploadBucket: string;
  readonly resultsBucket: string;
  /** The queue's maxReceiveCount: a message failing on that receive goes to the DLQ. */
  readonly maxReceives: number;
}

const isThisVersion = (manifest: Manifest, source: SourceObject): boolean =>
  source.versionId !== undefined ? manifest.source.versionId === source.versionId : manifest.source.sequencer === source.sequencer;

const settledOutcome = async (source: SourceObject, sources: OutcomeSources): Promise<FileOutcome> => {
  const stored = await new ManifestStore(sources.s3, sources.resultsBucket).read(recordedManifestKey(source, sources.uploadBucket));
  const { key, versionId } = source;
  if (stored === undefined || !isThisVersion(stored.manifest, source)) return { status: 'acknowledged', key, versionId };
  const { status, counts, reason, timings } = stored.manifest;
  return { status, key, versionId, counts, durationMs: timings.durationMs, ...(reason === undefined ? {} : { reason }) };
};

const failedOutcomes = (record: SQSRecord, sources: OutcomeSources, error: unknown): FileOutcome[] => {
  const message = parseMessage(record);
  const receiveCount = message.receiveCount;
  const status = receiveCount >= sources.maxReceives ? 'dead-lettered' : 'retrying';
  const reason = message.kind === 'unusable' ? message.reason : error === undefined ? undefined : String(error);
  const base = { status, messageId: record.messageId, receiveCount, maxReceives: sources.maxReceives, ...(reason === undefined ? {} : { reason }) } as const;
  if (message.kind !== 'objects') return [base];
  return message.objects.map(({ source }) => ({ ...base, key: source.key }));
};

/**
 * One outcome per object of the batch (none for the s3:TestEvent); reads one manifest per object that succeeded.
 * @example for (const outcome of await fileOutcomes(batch, sources)) console.log(describeOutcome(outcome))
 */
export const fileOutcomes = async (batch: BatchOutcome, sources: OutcomeSources): Promise<FileOutcome[]> => {
  const failed = new Set(batch.failedIds);
  const perRecord = await Promise.all(
    batch.records.map(async (record) => {
      if (failed.has(record.messageId)) return failedOutcomes(record, sources, batch.error);
      const message = parseMessage(record);
      if (message.kind !== 'objects') return [];
      return Promise.all(message.objects.map(({ source }) => settledOutcome(source, sources)));
    }),
  );
  return perRecord.flat();
};

const listCounts = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');

/**
 * One line per file, as `npm run demo` shows them.
 * @example describeOutcome({ status: 'processed', key: 'incoming/orders/a.csv', counts: { rows: 2 }, durationMs: 40 }) // '✔ incoming/orders/a.csv: processed (rows 2)'
 */
export const describeOutcome = (outcome: FileOutcome): string => {
  switch (outcome.status) {
    case 'processed':
    case 'rejected': {
      const counts = listCounts(outcome.counts);
      const mark = outcome.status === 'processed' ? '✔' : '✖';
      return `${mark} ${outcome.key}: ${outcome.status}${counts === '' ? '' : ` (${counts})`}${outcome.reason === undefined ? '' : `: ${outcome.reason}`}`;
    }
    case 'acknowledged':
      return `• ${outcome.key}: acknowledged, no manifest for this version (a delete, or a newer version is recorded)`;
    case 'retrying':
    case 'dead-lettered': {
      const what = outcome.key ?? `message ${outcome.messageId}`;
      const where =
        outcome.status === 'retrying'
          ? `failed, back to the queue (receive ${outcome.receiveCount} of ${outcome.maxReceives})`
          : `failed on its last receive (${outcome.receiveCount} of ${outcome.maxReceives}), going to the DLQ`;
      return `${outcome.status === 'retrying' ? '↻' : '✖'} ${what}: ${where}${outcome.reason === undefined ? '' : `: ${outcome.reason}`}`;
    }
  }
};
