/** An in-memory `ResultSink` for tests: keeps each output's bytes, like S3 would. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import type { OutputRecord, ResultSink } from '../../src/processors/types.js';

export interface StoredOutput extends OutputRecord {
  readonly body: Buffer;
}

export class MemorySink implements ResultSink {
  readonly outputs = new Map<string, StoredOutput>();

  async write(name: string, body: Readable | Uint8Array, contentType: string): Promise<OutputRecord> {
    const chunks: Buffer[] = [];
    if (body instanceof Readable) for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    else chunks.push(Buffer.from(body));
    const bytes = Buffer.concat(chunks);
    const record = { key: name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('base64'), contentType };
    this.outputs.set(name, { ...record, body: bytes });
    return record;
  }

  names(): string[] {
    return [...this.outputs.keys()].sort();
  }

  body(name: string): Buffer {
    const output = this.outputs.get(name);
    if (output === undefined) throw new Error(`memory sink: no output '${name}', have ${this.names().join(', ')}`);
    return output.body;
  }

  /** The parsed lines of a gzip'd (or, named `.zst`, zstd'd) NDJSON output (`[]` when it was never written). */
  ndjson(name: string): unknown[] {
    if (!this.outputs.has(name)) return [];
    const text = (name.endsWith('.zst') ? zstdDecompressSync : gunzipSync)(this.body(name)).toString('utf8');
    return text === ''
      ? []
      : text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown);
  }
}
