/**
 * Makes every outcome visible: one structured log line per object (or per message without
 * objects), EMF counters per outcome, and an error-level line with the full reason for a
 * message that fails on its last receive, just before SQS moves it to the DLQ.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { NOT_FINISHED, messageFailure } from '../batch/messageFailure.js';
import { type BatchContext, OUTCOME_COUNTERS, type OutcomeCounter, type Outcomes, type ParsedMessage } from '../batch/types.js';

export interface LogOutcomesOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly maxReceives: number;
}

type BatchRequest = Request<SQSEvent, SQSBatchResponse, Error, BatchContext>;

const VERBOSE_LEVELS = new Set(['TRACE', 'DEBUG', 'INFO']);

const logMessage = (message: ParsedMessage, outcomes: Outcomes | undefined, logger: Logger, verbose: boolean, totals: Record<OutcomeCounter, number>): void => {
  const { messageId } = message.record;
  const { receiveCount } = message;
  if (message.kind === 'unusable') {
    totals.unusable++;
    logger.warn('unusable message: reported for retry, then the DLQ', { messageId, receiveCount, outcome: 'unusable', reason: message.reason });
    return;
  }
  if (message.kind === 'acknowledged') {
    if (verbose) logger.info(message.note, { messageId, receiveCount, outcome: 'acknowledged' });
    return;
  }
  for (const { source } of message.objects) {
    const finished = outcomes?.get(source);
    const outcome = finished?.outcome ?? NOT_FINISHED;
    totals[outcome.status === 'retry' ? 'retried' : outcome.status]++;
    const { bucket, key, versionId } = source;
    if (outcome.warning !== undefined) logger.warn(outcome.warning, { messageId, receiveCount, bucket, key, versionId, outcome: outcome.status });
    const level = outcome.status === 'retry' ? 'warn' : 'info';
    // Building the attributes costs more than the filtered call: skip it when INFO is off.
    if (level === 'info' && !verbose) continue;
    const reason = 'reason' in outcome ? outcome.reason : undefined;
    logger[level]('object outcome', { messageId, receiveCount, bucket, key, versionId, outcome: outcome.status, reason, durationMs: finished?.durationMs });
  }
};

const bytesWritten = (outcomes: Outcomes | undefined): number => {
  let bytes = 0;
  for (const { outcome } of outcomes?.values() ?? []) if (outcome.status === 'processed') bytes += outcome.bytes;
  return bytes;
};

export const logOutcomes = ({ logger, metrics, maxReceives }: LogOutcomesOptions): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  const logOutcomesAfter = (request: BatchRequest): void => {
    const totals: Record<OutcomeCounter, number> = { processed: 0, rejected: 0, retried: 0, skipped: 0, duplicate: 0, unusable: 0 };
    const verbose = VERBOSE_LEVELS.has(logger.getLevelName());
    const { messages = [], outcomes } = request.context;
    for (const message of messages) {
      logMessage(message, outcomes, logger, verbose, totals);
      const failure = messageFailure(message, outcomes);
      if (failure !== undefined && message.receiveCount >= maxReceives) {
        const { messageId, body } = message.record;
        logger.error('last receive failed: the message moves to the DLQ', { messageId, receiveCount: message.receiveCount, reason: failure, body });
      }
    }
    for (const name of OUTCOME_COUNTERS) metrics.addMetric(name, MetricUnit.Count, totals[name]);
    metrics.addMetric('bytesWritten', MetricUnit.Bytes, bytesWritten(outcomes));
    metrics.publishStoredMetrics();
  };
  const logOutcomesOnError = (request: BatchRequest): void => {
    logger.error('batch failed unexpectedly; unfinished messages are reported for retry', { error: request.error });
    logOutcomesAfter(request);
  };
  return { after: logOutcomesAfter, onError: logOutcomesOnError };
};
