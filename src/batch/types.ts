/**
 * The stages of one batch, each written once by one step of the chain and only read after:
 *   parseS3Notifications → `ParsedMessage` per SQS message, `ParsedObject` per S3 record
 *   validateS3Records    → `ObjectTask` per object: routed, rejected or skipped
 *   processBatch         → `Outcomes`, one per object as it finishes
 * `logOutcomes` and `partialBatchResponse` read all three; an object without an outcome did
 * not finish, so its message is retried.
 */
import type { Context, SQSRecord } from 'aws-lambda';
import type { AnyRoute } from '../config/types.js';
import type { SourceObject } from '../types.js';

/** How the message announcing an object arrived: decides how `processObject` looks for earlier work. */
export interface Delivery {
  /** An explicit reprocess request (message attribute `REPROCESS_ATTRIBUTE`): replaces this version's manifest. */
  readonly reprocess: boolean;
  /** SQS's receive count: above 1, an earlier attempt may already have finished the object. */
  readonly receiveCount: number;
}

/** One S3 record of a message. */
export interface ParsedObject {
  readonly eventName: string;
  readonly source: SourceObject;
  /** Shared by every object of the message. */
  readonly delivery: Delivery;
}

interface MessageBase {
  /** The SQS record as received. */
  readonly record: SQSRecord;
  readonly receiveCount: number;
}

export type ParsedMessage =
  /** An S3 notification: one object per record. */
  | (MessageBase & { readonly kind: 'objects'; readonly objects: readonly ParsedObject[] })
  /** Nothing to do, acknowledged: the `s3:TestEvent`, or a notification without records. */
  | (MessageBase & { readonly kind: 'acknowledged'; readonly note: string })
  /** Not JSON, or not an S3 notification: reported until it reaches the DLQ intact. */
  | (MessageBase & { readonly kind: 'unusable'; readonly reason: string });

/** Validation passed: read the object and run the route's processor. */
export interface RoutedObject {
  readonly kind: 'routed';
  readonly source: SourceObject;
  readonly route: AnyRoute;
  readonly manifestKey: string;
  readonly delivery: Delivery;
}

/** Validation failed for good: record a rejected manifest, read nothing. */
export interface Rejection {
  readonly kind: 'rejected';
  readonly source: SourceObject;
  readonly reason: string;
  /** Under `manifests/_unmapped/` when the key or bucket cannot be mapped into the results layout. */
  readonly manifestKey: string;
  readonly delivery: Delivery;
}

/** An event type that is not routed (a delete, for instance): acknowledged, nothing written. */
interface Skip {
  readonly kind: 'skipped';
  readonly source: SourceObject;
  readonly reason: string;
}

export type ObjectTask = RoutedObject | Rejection | Skip;

export type ObjectOutcome =
  /** Results and a `processed` manifest are stored. */
  (
    | { readonly status: 'processed'; readonly bytes: number }
    /** A `rejected` manifest with the reason is stored. */
    | { readonly status: 'rejected'; readonly reason: string }
    /** Nothing to do: an event type that is not routed, or a superseded version. */
    | { readonly status: 'skipped'; readonly reason: string }
    /** This version already has a manifest (at-least-once delivery). */
    | { readonly status: 'duplicate'; readonly reason: string }
    /** Worth retrying: the whole message goes back to the queue. */
    | { readonly status: 'retry'; readonly reason: string }
  ) & {
    /** Something went wrong that does not change the outcome (outputs left untagged): logged as a warning. */
    readonly warning?: string;
  };

/**
 * The EMF counters the worker publishes once per batch, zeros included (`logOutcomes`), and the
 * dashboard graphs (infra/monitoring.ts): each object's outcome (`retry` counted as `retried`), and
 * messages that could not be read (`unusable`).
 */
export const OUTCOME_COUNTERS = ['processed', 'rejected', 'retried', 'skipped', 'duplicate', 'unusable'] as const;
export type OutcomeCounter = (typeof OUTCOME_COUNTERS)[number];

export interface FinishedObject {
  readonly outcome: ObjectOutcome;
  /** Time spent in `processObject`; none for a skip. */
  readonly durationMs?: number;
}

/** Keyed by the parsed `source` (the same object all stages hand on). */
export type Outcomes = ReadonlyMap<SourceObject, FinishedObject>;

/** Lambda's context plus what the chain adds to it; a step that has not run left its field unset. */
export interface BatchContext extends Context {
  /** Set by `timeBudget`: aborted when the time budget runs out; in-flight streams listen to it. */
  signal: AbortSignal;
  /** Set by `timeBudget`: when `signal` aborts (epoch ms). */
  deadline?: number;
  /** Set by `timeBudget`: false once too little time is left to start another object. */
  mayStart: () => boolean;
  /** Set by `parseS3Notifications`: one per SQS record, in order. */
  messages?: readonly ParsedMessage[];
  /** Set by `validateS3Records`: one per parsed object, in order. */
  tasks?: readonly ObjectTask[];
  /** Set by `processBatch`, and filled in as objects finish (so an error midway keeps what finished). */
  outcomes?: Outcomes;
}
