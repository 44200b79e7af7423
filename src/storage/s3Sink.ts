/**
 * The S3 implementation of the processor sink: streams each output to the results bucket
 * (multipart for large ones), hashing and counting bytes on the way through.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { ResultSink } from '../processors/types.js';
import type { OutputRecord, SourceObject } from '../types.js';
import { RejectionError } from '../errors.js';
import { classifyS3Error } from './classifyS3Error.js';
import { measuring } from './measuring.js';
import { outputKey } from './resultKeys.js';

const OUTPUT_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
/** 8 MiB parts × 4 in flight bounds the sink's memory at about 32 MiB per output. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

export const createS3Sink = (s3: S3Client, resultsBucket: string, source: SourceObject, signal: AbortSignal): ResultSink => ({
  async write(name, body, contentType): Promise<OutputRecord> {
    if (!OUTPUT_NAME.test(name)) throw new RejectionError(`output name: must be relative path segments of [A-Za-z0-9._-], '${name}' given`);
    const key = outputKey(source, name);
    const measure = measuring();
    const input = body instanceof Readable ? body : Readable.from([body]);
    input.on('error', (error) => measure.stream.destroy(error));
    input.pipe(measure.stream);
    // Loaded on the first output, not at cold start (a rejection or a duplicate writes none).
    const { Upload } = await import('@aws-sdk/lib-storage');
    const upload = new Upload({
      client: s3,
      params: { Bucket: resultsBucket, Key: key, Body: measure.stream, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (error: unknown) {
      // The processor's own stream error (e.g. a rejection) wins over the upload's.
      if (input.errored) throw input.errored;
      throw classifyS3Error(error, `writing s3://${resultsBucket}/${key}`, { bucket: resultsBucket, key });
    } finally {
      signal.removeEventListener('abort', abort);
    }
    return { key, contentType, ...measure.result() };
  },
});
