/**
 * The failure model. Every error says whether retrying can help:
 * - `TransientError`: retry (the message is reported in `batchItemFailures`).
 * - `RejectionError`: permanent for this object; recorded as a rejected manifest, message acknowledged.
 * - `SupersededError`: the object was overwritten before we read it; its own, newer event handles it.
 * - `UnusableMessageError`: the SQS message itself is unreadable; reported so it reaches the DLQ intact.
 * - `ConfigError`: the deployment is misconfigured; raised at package time or cold start.
 */
export interface FailureCause {
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly error?: unknown;
}

export class ServiceError extends Error {
  declare readonly cause: FailureCause | undefined;
  constructor(message: string, cause?: FailureCause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}

/**
 * Its message names the setting, the rule and the value; its stack is that one line, because the
 * framework prints `stack` when `serverless.ts` fails to load, and frames would bury the message.
 */
export class ConfigError extends ServiceError {
  constructor(message: string, cause?: FailureCause) {
    super(message, cause);
    this.stack = `${this.name}: ${message}`;
  }
}

export class TransientError extends ServiceError {}

export class RejectionError extends ServiceError {}

export class SupersededError extends ServiceError {}

export class UnusableMessageError extends ServiceError {}

/** The error's own message, whatever was thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
