/**
 * Makes every outcome visible: one structured log line per object (or per message without
 * objects), EMF counters per outcome, and an error-level line with the full reason for a
 * message that fails on its last receive, just before SQS moves it to the DLQ.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type BatchContext, type MessageWork, messageFailure } from '../batch/types.js';

export interface LogOutcomesOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly maxReceives: number;
}

type BatchRequest = Request<SQSEvent, SQSBatchResponse, Error, BatchContext>;

const COUNTERS = ['processed', 'rejected', 'retried', 'skipped', 'duplicate', 'unusable'] as const;
type Counter = (typeof COUNTERS)[number];

const VERBOSE_LEVELS = new Set(['TRACE', 'DEBUG', 'INFO']);

const logMessage = (work: MessageWork, logger: Logger, verbose: boolean, count: (name: Counter) => void): void => {
  const base = { messageId: work.message.messageId, receiveCount: work.receiveCount };
  if (work.unusable !== undefined) {
    count('unusable');
    logger.warn('unusable message: reported for retry, then the DLQ', { ...base, outcome: 'unusable', reason: work.unusable });
  } else if (work.note !== undefined && verbose) {
    logger.info(work.note, { ...base, outcome: 'acknowledged' });
  }
  for (const object of work.objects) {
    const outcome = object.outcome ?? { status: 'retry', reason: 'not finished within the time budget' };
    count(outcome.status === 'retry' ? 'retried' : outcome.status);
    const level = outcome.status === 'retry' ? 'warn' : 'info';
    // Building the attributes costs more than the filtered call: skip it when INFO is off.
    if (level === 'info' && !verbose) continue;
    const { bucket, key, versionId } = object.source;
    logger[level]('object outcome', { ...base, bucket, key, versionId, outcome: outcome.status, reason: 'reason' in outcome ? outcome.reason : undefined, durationMs: object.durationMs });
  }
};

export const logOutcomes = ({ logger, metrics, maxReceives }: LogOutcomesOptions): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const logOutcomesAfter = (request: BatchRequest): void => {
    const totals = Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Record<Counter, number>;
    let bytes = 0;
    const verbose = VERBOSE_LEVELS.has(logger.getLevelName());
    for (const work of request.context.batch ?? []) {
      logMessage(work, logger, verbose, (name) => totals[name]++);
      bytes += work.objects.reduce((sum, object) => sum + (object.outcome?.status === 'processed' ? object.outcome.bytes : 0), 0);
      const failure = messageFailure(work);
      if (failure !== undefined && work.receiveCount >= maxReceives) {
        logger.error('last receive failed: the message moves to the DLQ', { messageId: work.message.messageId, receiveCount: work.receiveCount, reason: failure, body: work.message.body });
      }
    }
    for (const name of COUNTERS) metrics.addMetric(name, MetricUnit.Count, totals[name]);
    metrics.addMetric('bytesWritten', MetricUnit.Bytes, bytes);
    metrics.publishStoredMetrics();
  };
  const logOutcomesOnError = (request: BatchRequest): void => {
    logger.error('batch failed unexpectedly; unfinished messages are reported for retry', { error: request.error });
    logOutcomesAfter(request);
  };
  return { after: logOutcomesAfter, onError: logOutcomesOnError };
};
