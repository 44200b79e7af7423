/**
 * Requests to process objects, sent through the same queue as S3's own notifications, so the
 * worker, its limits, retries and DLQ apply unchanged. A request is an S3-shaped notification
 * (the worker's parser reads nothing else), with the `reprocess` message attribute when it must
 * win over an existing manifest.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPROCESS_ATTRIBUTE, type SourceObject } from '../src/types.js';
import type { Stage } from './stage.js';

/** S3 form-URL-encodes keys in notifications (a space as '+'); slashes stay readable. */
const encodeKey = (key: string): string => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

/**
 * The notification S3 would have sent for `source`. `configurationId` tells requests from real
 * events in logs; the sequencer is the recorded one (reprocess) or empty when S3 never sent one
 * (backfill): the worker then asks S3 which version is current.
 * @example notificationFor({ bucket: 'b', key: 'incoming/a b.csv', size: 1, sequencer: '' }, 'eu-west-1', 'backfill')
 */
export const notificationFor = (source: SourceObject, region: string, configurationId: string, eventTime = new Date()): string =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: eventTime.toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: { name: source.bucket, arn: `arn:aws:s3:::${source.bucket}` },
          object: {
            key: encodeKey(source.key),
            size: source.size,
            ...(source.eTag === undefined ? {} : { eTag: source.eTag }),
            ...(source.versionId === undefined ? {} : { versionId: source.versionId }),
            sequencer: source.sequencer,
          },
        },
      },
    ],
  });

export interface Enqueuer {
  /** Queues one request; sends in batches of 10 at no more than `ratePerSecond`. */
  add(source: SourceObject): Promise<void>;
  /** Sends what is left; resolves with the number sent in total. */
  flush(): Promise<number>;
}

/** Requests of one `kind` to the stage's queue, at most `ratePerSecond`. */
export const createEnqueuer = (stage: Pick<Stage, 'sqs' | 'region' | 'outputs'>, kind: 'backfill' | 'reprocess', ratePerSecond: number): Enqueuer => {
  let pending: SourceObject[] = [];
  let sent = 0;
  const started = Date.now();
  const attributes = kind === 'reprocess' ? { [REPROCESS_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } } : undefined;
  const send = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    // Rate: the next batch leaves no earlier than `sent / rate` seconds after the start.
    const due = started + (sent / ratePerSecond) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    const entries = batch.map((source, index) => ({
      Id: String(index),
      MessageBody: notificationFor(source, stage.region, kind),
      MessageAttributes: attributes,
    }));
    const { Failed = [] } = await stage.sqs.send(new SendMessageBatchCommand({ QueueUrl: stage.outputs.QueueUrl, Entries: entries }));
    if (Failed.length > 0)
      throw new Error(`sending to ${stage.outputs.QueueUrl}: ${Failed.length} of ${batch.length} failed (${Failed[0]?.Message ?? Failed[0]?.Code})`);
    sent += batch.length;
  };
  return {
    async add(source) {
      pending.push(source);
      if (pending.length === 10) await send();
    },
    async flush() {
      await send();
      return sent;
    },
  };
};

/** `--rate`: a positive number of messages per second. */
export const parseRate = (raw: unknown, fallback = 50): number => {
  if (raw === undefined) return fallback;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate <= 0) throw new RangeError(`--rate: must be a positive number of messages per second, '${String(raw)}' given`);
  return rate;
};
