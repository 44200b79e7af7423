/**
 * The three contenders, wired to the same fakes. Per S3 record each one reads the object, runs
 * the no-op processor and writes a manifest of the same shape where none exists (`IfNoneMatch`):
 * two fake S3 calls, the worker's path for a new small file. What differs is everything around that.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { Readable } from 'node:stream';
import type { BatchContext } from '../../src/batch/types.js';
import { createWorker } from '../../src/handlers/createWorker.js';
import { logger, metrics } from '../../src/observability.js';
import type { ResultSink, SourceObject } from '../../src/processors/types.js';
import { ManifestStore } from '../../src/storage/manifestStore.js';
import { NOOP_ROUTE, RESULTS_BUCKET, UPLOAD_BUCKET, loadNoopProcessor, noopProcessor } from './fakes.js';

export type BatchHandler = (event: SQSEvent, context: BatchContext) => Promise<SQSBatchResponse>;

export const VARIANTS = ['bare loop', 'Powertools BatchProcessor', 'Middy chain (worker)'] as const;
export type Variant = (typeof VARIANTS)[number];

/** The worker's own chain (src/handlers/createWorker.ts) with its defaults, the fake S3 and the no-op processor. */
const middyChain = (s3: S3Client): BatchHandler =>
  createWorker({
    s3,
    manifests: new ManifestStore(s3, RESULTS_BUCKET),
    uploadBucket: UPLOAD_BUCKET,
    resultsBucket: RESULTS_BUCKET,
    concurrency: 4, // RECORD_CONCURRENCY's default in src/config/runtime.ts
    loadProcessor: loadNoopProcessor,
    routes: [NOOP_ROUTE],
    maxObjectBytes: 2 * 1024 ** 3,
    maxReceives: 5,
    logger,
    metrics,
  });

const unusedSink: ResultSink = { write: async () => Promise.reject(new Error('bench: the no-op processor writes nothing')) };

/**
 * The hand-written work for one message: no validation, logging, metrics, time budget or
 * manifest races (a lost conditional write would throw) — only what any handler must do.
 * Throws to have the message retried.
 */
const handleMessage = async (s3: S3Client, record: SQSRecord, signal: AbortSignal): Promise<void> => {
  const notification = JSON.parse(record.body) as S3Event;
  for (const entry of notification.Records) {
    const { bucket, object } = entry.s3;
    const source: SourceObject = {
      bucket: bucket.name,
      key: decodeURIComponent(object.key.replace(/\+/g, ' ')),
      versionId: object.versionId,
      eTag: object.eTag,
      size: object.size,
      sequencer: object.sequencer,
    };
    const manifestKey = `manifests/${source.key}.json`;
    const opened = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }), { abortSignal: signal });
    if (!(opened.Body instanceof Readable)) throw new Error(`s3://${source.bucket}/${source.key}: no body stream`);
    const startedAt = new Date();
    const summary = await noopProcessor.process(opened.Body, { source, options: {}, signal }, unusedSink);
    const finishedAt = new Date();
    const manifest = {
      schemaVersion: 1,
      source,
      status: 'processed',
      outputs: [],
      counts: summary.counts,
      processor: { name: noopProcessor.name, version: noopProcessor.version },
      timings: { startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime() },
    };
    const body = JSON.stringify(manifest, null, 2);
    await s3.send(new PutObjectCommand({ Bucket: RESULTS_BUCKET, Key: manifestKey, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }), {
      abortSignal: signal,
    });
  }
};

/** (a) A plain loop, one message after the other. */
const bareLoop =
  (s3: S3Client): BatchHandler =>
  async (event, context) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await handleMessage(s3, record, context.signal);
      } catch {
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };

/** (b) Powertools' documented setup: one module-level processor, records in parallel (its default). */
const powertools = (s3: S3Client): BatchHandler => {
  const processor = new BatchProcessor(EventType.SQS);
  // BatchProcessor passes `options.context` as the record handler's second argument.
  const recordHandler = (record: SQSRecord, context: BatchContext): Promise<void> => handleMessage(s3, record, context.signal);
  return async (event, context) => processPartialResponse(event, recordHandler, processor, { context });
};

export const createVariants = (s3: S3Client): Record<Variant, BatchHandler> => ({
  'bare loop': bareLoop(s3),
  'Powertools BatchProcessor': powertools(s3),
  'Middy chain (worker)': middyChain(s3),
});
