/**
 * Housekeeping for outputs no manifest references any more: a replaced manifest's (an older
 * version's, or this version's before a reprocess) and a lost race's. They are tagged with
 * `SUPERSEDED_TAG`, and a lifecycle rule on the results bucket expires tagged objects; nothing is
 * deleted here, so a wrong decision costs storage, never a result.
 */
import { PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OutputRecord } from '../types.js';
import { messageOf } from '../errors.js';
import { SUPERSEDED_TAG } from './resultKeys.js';

/**
 * The keys of `outputs` that `kept` (the current manifest's outputs) does not reference: outputs
 * are per version, so a reprocess of the same version usually rewrites the same keys, and those stay.
 * @example unreferenced([{ key: 'a' }, { key: 'b' }], [{ key: 'b' }]) // ['a']
 */
export const unreferenced = (outputs: readonly Pick<OutputRecord, 'key'>[], kept: readonly Pick<OutputRecord, 'key'>[]): string[] => {
  const current = new Set(kept.map((output) => output.key));
  return [...new Set(outputs.map((output) => output.key))].filter((key) => !current.has(key));
};

/**
 * Tags each of `keys` as superseded, all at once. Never throws: a failure leaves garbage, not a
 * wrong result, and retrying the message would not retry the tagging (the manifest is already
 * written), so it comes back as a warning to log, or `undefined` when every key was tagged.
 */
export const tagSuperseded = async (s3: S3Client, bucket: string, keys: readonly string[], abortSignal: AbortSignal): Promise<string | undefined> => {
  if (keys.length === 0) return undefined;
  const tagging = { TagSet: [{ ...SUPERSEDED_TAG }] };
  const results = await Promise.allSettled(keys.map((Key) => s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key, Tagging: tagging }), { abortSignal })));
  const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [{ key: keys[index], error: result.reason as unknown }] : []));
  const first = failed[0];
  if (first === undefined) return undefined;
  return `superseded outputs left untagged (${failed.length} of ${keys.length}), the lifecycle rule will not expire them: s3://${bucket}/${first.key}: ${messageOf(first.error)}`;
};
