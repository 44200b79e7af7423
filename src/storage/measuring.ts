import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';

/**
 * A pass-through that counts and hashes the bytes flowing to a sink, without buffering.
 * @example const measure = measuring(); input.pipe(measure.stream); … measure.result().sha256
 */
export const measuring = () => {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new PassThrough({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest('base64') }) };
};
