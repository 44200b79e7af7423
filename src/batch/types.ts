/**
 * The state of one batch as it moves through the middleware chain. Each SQS message
 * becomes a `MessageWork`; each S3 record inside it an `ObjectWork`. Middlewares fill
 * in outcomes; `partialBatchResponse` turns them into `batchItemFailures`.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import type { Route } from '../config/types.js';
import type { SourceObject } from '../processors/types.js';

export type ObjectOutcome =
  /** Results and a `processed` manifest are stored. */
  | { readonly status: 'processed'; readonly bytes: number }
  /** A `rejected` manifest with the reason is stored. */
  | { readonly status: 'rejected'; readonly reason: string }
  /** Nothing to do: an event type that is not routed, or a superseded version. */
  | { readonly status: 'skipped'; readonly reason: string }
  /** This version already has a manifest (at-least-once delivery). */
  | { readonly status: 'duplicate'; readonly reason: string }
  /** Worth retrying: the whole message goes back to the queue. */
  | { readonly status: 'retry'; readonly reason: string };

export interface ObjectWork {
  readonly eventName: string;
  readonly source: SourceObject;
  route?: Route;
  /** Set by validation: record this rejection instead of processing. */
  rejection?: string;
  outcome?: ObjectOutcome;
  durationMs?: number;
}

export interface MessageWork {
  readonly message: SQSRecord;
  readonly receiveCount: number;
  readonly objects: ObjectWork[];
  /** The message itself cannot be used; it must reach the DLQ intact. */
  unusable?: string;
  /** Acknowledged without objects, e.g. the `s3:TestEvent`. */
  note?: string;
}

/** Lambda's context plus what the chain adds to it. */
export interface BatchContext extends Context {
  batch: MessageWork[];
  /** Aborted when the time budget runs out; in-flight streams listen to it. */
  signal: AbortSignal;
  /** False once too little time is left to start another object. */
  mayStart: () => boolean;
}

/** A message fails (is retried) when it is unusable or any of its objects did not finish. */
export const messageFailure = (work: MessageWork): string | undefined => {
  if (work.unusable !== undefined) return work.unusable;
  for (const object of work.objects) {
    if (object.outcome === undefined) return `${object.source.key}: not finished within the time budget`;
    if (object.outcome.status === 'retry') return `${object.source.key}: ${object.outcome.reason}`;
  }
  return undefined;
};
