/**
 * The results layout (results bucket):
 *   manifests/<input key>.json                          one per input object, written last
 *   manifests/_unmapped/<sha256 of bucket/key>.json     the rejection of a key that cannot be mapped
 *   processed/<input key>/<version>/<output name>       outputs of that object version
 *   failures/<input key>.json                           why a version failed its last receive (then the DLQ)
 * Every other key here is derived from an input key that `unsafeKeyReason` accepted.
 */
import { createHash } from 'node:crypto';
import type { SourceObject } from '../types.js';

/** Where the outputs of every object version live. */
export const OUTPUTS_PREFIX = 'processed/';

export const RESULT_PREFIXES = ['manifests/', OUTPUTS_PREFIX, 'failures/'] as const;

/** S3 keys are at most 1024 bytes; leave room for the prefixes, version and output name. */
export const MAX_INPUT_KEY_BYTES = 800;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a key must not contain
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A `.` or `..` segment between slashes or at either end. */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/** Why `key` cannot be turned into result keys, or `undefined` when it can. */
export const unsafeKeyReason = (key: string): string | undefined => {
  if (key === '') return 'key: must not be empty';
  // A UTF-16 code unit is at most 3 UTF-8 bytes: only a long key needs counting.
  const bytes = key.length * 3 <= MAX_INPUT_KEY_BYTES ? key.length : Buffer.byteLength(key);
  if (bytes > MAX_INPUT_KEY_BYTES) return `key: must be at most ${MAX_INPUT_KEY_BYTES} bytes, ${bytes} given`;
  if (key.startsWith('/')) return `key: must not start with '/', '${key}' given`;
  if (CONTROL_CHARACTERS.test(key)) return `key: must not contain control characters, ${JSON.stringify(key)} given`;
  if (DOT_SEGMENT.test(key)) return `key: must not contain '.' or '..' segments, '${key}' given`;
  return undefined;
};

export const manifestKey = (inputKey: string): string => `manifests/${inputKey}.json`;

/** Where the rejection of an unsafe key, or of an object from another bucket, is recorded. */
export const unmappedManifestKey = (source: Pick<SourceObject, 'bucket' | 'key'>): string =>
  `manifests/_unmapped/${createHash('sha256').update(`${source.bucket}/${source.key}`).digest('hex')}.json`;

/**
 * Where the worker records an object's outcome (validateS3Records decides the same way, with the
 * reason): its key's manifest, or under `_unmapped/` for an unsafe key or another bucket's object.
 * @example recordedManifestKey({ bucket: 'uploads', key: 'incoming/a.csv' }, 'uploads') // 'manifests/incoming/a.csv.json'
 */
export const recordedManifestKey = (source: Pick<SourceObject, 'bucket' | 'key'>, uploadBucket: string): string =>
  source.bucket !== uploadBucket || unsafeKeyReason(source.key) !== undefined ? unmappedManifestKey(source) : manifestKey(source.key);

/** A version's outputs get their own folder, so an older event can never overwrite a newer result. */
export const versionTag = (source: Pick<SourceObject, 'versionId' | 'eTag' | 'sequencer'>): string =>
  (source.versionId ?? source.eTag ?? source.sequencer).replace(/[^A-Za-z0-9._-]/g, '_');

export const outputKey = (source: SourceObject, name: string): string => `${OUTPUTS_PREFIX}${source.key}/${versionTag(source)}/${name}`;

/**
 * The tag the worker puts on outputs that no current manifest references any more (a superseded
 * version's, or a lost race's); a lifecycle rule on the results bucket expires them.
 */
export const SUPERSEDED_TAG = { Key: 'superseded', Value: 'true' } as const;

/**
 * Where the worker records why a version failed on its last receive, before SQS moves its message
 * to the DLQ (`sls files:status` shows it): the DLQ keeps the message, not the reason.
 */
export const lastFailureKey = (source: Pick<SourceObject, 'bucket' | 'key'>): string =>
  unsafeKeyReason(source.key) === undefined
    ? `failures/${source.key}.json`
    : `failures/_unmapped/${unmappedManifestKey(source).slice('manifests/_unmapped/'.length)}`;
