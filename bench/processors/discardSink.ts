/** A `ResultSink` that counts and drops bytes, so benchmarks measure processing, not storage. */
import { Readable } from 'node:stream';
import type { OutputRecord, ResultSink } from '../../src/processors/types.js';

export class DiscardSink implements ResultSink {
  bytes = 0;

  async write(name: string, body: Readable | Uint8Array, contentType: string): Promise<OutputRecord> {
    let bytes = 0;
    if (body instanceof Readable) for await (const chunk of body) bytes += (chunk as Uint8Array).length;
    else bytes = body.length;
    this.bytes += bytes;
    return { key: name, bytes, sha256: '', contentType };
  }
}
