/**
 * The two records every layer shares: the object version an S3 event names (parsed from the
 * notification, read by storage, handed to processors, recorded in manifests), and what the
 * sink stored for one output (returned to processors, listed in manifests).
 */

/** The exact object version an S3 event names. */
export interface SourceObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly eTag?: string;
  readonly size: number;
  readonly sequencer: string;
  readonly contentType?: string;
}

/** What the sink stored for one output. */
export interface OutputRecord {
  readonly key: string;
  readonly bytes: number;
  /** SHA-256 of the stored bytes, base64. */
  readonly sha256: string;
  readonly contentType: string;
}

/**
 * The SQS message attribute (String, `'true'`) of an explicit reprocess request (`sls
 * files:reprocess`): its objects are processed again even when their version already has a
 * manifest. A plain duplicate delivery has no such attribute and stays a duplicate.
 */
export const REPROCESS_ATTRIBUTE = 'reprocess';
