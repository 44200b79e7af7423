/**
 * Sorts an S3 SDK error into the failure model: gone → rejection, overwritten →
 * superseded, everything else (5xx, throttling, network, timeouts, access) → transient.
 */
import { RejectionError, ServiceError, SupersededError, TransientError, type FailureCause, messageOf } from '../errors.js';

const GONE = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound', 'NoSuchBucket']);
const PERMANENT = new Set(['InvalidObjectState', 'InvalidRange']);

interface SdkErrorShape {
  readonly name?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const shapeOf = (error: unknown): SdkErrorShape => (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;

/** The HTTP status of an SDK error's response, if it got one. @example httpStatusOf(error) === 404 */
export const httpStatusOf = (error: unknown): number | undefined => shapeOf(error).$metadata?.httpStatusCode;

const codeOf = (error: unknown): { code: string; status: number | undefined } => {
  const shape = shapeOf(error);
  return { code: shape.Code ?? shape.name ?? 'Error', status: shape.$metadata?.httpStatusCode };
};

export const classifyS3Error = (error: unknown, action: string, cause: FailureCause): ServiceError => {
  if (error instanceof ServiceError) return error;
  const { code, status } = codeOf(error);
  const detail = `${action}: ${code}${status === undefined ? '' : ` (HTTP ${status})`}: ${messageOf(error)}`;
  if (GONE.has(code) || status === 404) return new RejectionError(`${detail}; the object or version was deleted before processing`, { ...cause, error });
  if (code === 'PreconditionFailed' || status === 412)
    return new SupersededError(`${detail}; the object was overwritten, its newer event will process it`, { ...cause, error });
  if (PERMANENT.has(code)) return new RejectionError(detail, { ...cause, error });
  return new TransientError(detail, { ...cause, error });
};
