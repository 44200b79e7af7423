/**
 * On a message's last receive, records why each of its objects failed
 * (`failures/<key>.json` in the results bucket, resultKeys.ts), so that whoever finds the message
 * in the DLQ (`sls files:status`) also finds the reason without searching the logs. Best effort:
 * the message goes to the DLQ either way, and a failed write is only logged.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { messageFailure, outcomeOf } from '../batch/messageFailure.js';
import type { BatchContext } from '../batch/types.js';
import { messageOf } from '../errors.js';
import { lastFailureKey } from '../storage/resultKeys.js';
import type { SourceObject } from '../types.js';

export interface RecordLastFailuresOptions {
  readonly s3: S3Client;
  readonly resultsBucket: string;
  readonly maxReceives: number;
  readonly logger: Logger;
}

/** What `failures/<key>.json` holds. */
export interface LastFailure {
  readonly source: SourceObject;
  readonly messageId: string;
  readonly receiveCount: number;
  readonly reason: string;
  readonly failedAt: string;
}

/** The time-budget margin leaves ~1.5 s after an abort; a record must not use all of it. */
const WRITE_TIMEOUT_MS = 1_000;

type BatchRequest = Request<SQSEvent, SQSBatchResponse, Error, BatchContext>;

export const recordLastFailures = ({
  s3,
  resultsBucket,
  maxReceives,
  logger,
}: RecordLastFailuresOptions): MiddlewareObj<SQSEvent, SQSBatchResponse, Error, BatchContext> => {
  // Not async: most batches have nothing to record, and then the chain has no promise to await.
  const recordLastFailuresAfter = (request: BatchRequest): Promise<unknown> | undefined => {
    const { messages = [], outcomes } = request.context;
    const writes: Promise<unknown>[] = [];
    for (const message of messages) {
      const failure = messageFailure(message, outcomes);
      if (failure === undefined || message.receiveCount < maxReceives || message.kind !== 'objects') continue;
      for (const { source } of message.objects) {
        const outcome = outcomeOf(source, outcomes);
        const reason = outcome.status === 'retry' ? outcome.reason : failure;
        const record: LastFailure = {
          source,
          messageId: message.record.messageId,
          receiveCount: message.receiveCount,
          reason,
          failedAt: new Date().toISOString(),
        };
        const put = new PutObjectCommand({ Bucket: resultsBucket, Key: lastFailureKey(source), Body: JSON.stringify(record), ContentType: 'application/json' });
        writes.push(
          s3.send(put, { abortSignal: AbortSignal.timeout(WRITE_TIMEOUT_MS) }).catch((error: unknown) => {
            logger.warn('could not record the last failure', { key: source.key, reason: messageOf(error) });
          }),
        );
      }
    }
    return writes.length === 0 ? undefined : Promise.all(writes).then(() => undefined);
  };
  return { after: recordLastFailuresAfter, onError: recordLastFailuresAfter };
};
