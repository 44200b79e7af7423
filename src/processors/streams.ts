/** Stream helpers shared by the processors. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RejectionError } from '../errors.js';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export const startsWithGzipMagic = (head: Uint8Array): boolean => head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];

const toBuffer = (chunk: unknown): Buffer => (Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.from(String(chunk)));

/**
 * Reads the first chunk without losing it: returns it and a stream that replays it first.
 * @example const { head, stream } = await peekHead(body); if (startsWithGzipMagic(head)) ...
 */
export const peekHead = async (input: Readable): Promise<{ head: Buffer; stream: Readable }> => {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done === true ? Buffer.alloc(0) : toBuffer(first.value);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield toBuffer(next.value);
    } finally {
      // Destroys `input` when the consumer stops early (error or abort).
      await iterator.return?.();
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
};

/**
 * Buffers a whole stream, rejecting the object once it passes `maxBytes`, so a mislabelled
 * multi-GB upload can't exhaust memory.
 */
export const readCapped = async (input: Readable, maxBytes: number, signal: AbortSignal, what: string): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let total = 0;
  await pipeline(
    input,
    async (source: AsyncIterable<unknown>) => {
      for await (const chunk of source) {
        const buffer = toBuffer(chunk);
        total += buffer.length;
        if (total > maxBytes) throw new RejectionError(`${what}: size must be at most ${maxBytes} bytes, more given`);
        chunks.push(buffer);
      }
    },
    { signal },
  );
  return Buffer.concat(chunks, total);
};

/** zlib's codes for bad input; any other error is not the file's fault. */
const ZLIB_INPUT_ERRORS: Readonly<Record<string, string>> = {
  Z_BUF_ERROR: 'must be a complete gzip stream, truncated stream given',
  Z_DATA_ERROR: 'must be valid gzip data, corrupt data given',
};

/** Turns zlib's input errors into rejections with a reason; returns anything else unchanged. */
export const gzipRejection = (error: unknown): unknown => {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  const rule = ZLIB_INPUT_ERRORS[code];
  return rule === undefined ? error : new RejectionError(`gzip: input ${rule} (${error instanceof Error ? error.message : code})`);
};
