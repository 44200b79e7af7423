/**
 * In-memory stand-ins for the handler benchmark: an S3 client that answers instantly, a
 * no-op processor, SQS batches of S3 notifications and a Lambda context. Every variant
 * gets the same fakes, so the only difference left between them is the code around them.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { Readable } from 'node:stream';
import type { AnyRoute } from '../../src/config/types.js';
import type { ProcessorModule } from '../../src/processors/types.js';
import { s3NotificationBody, s3RecordFactory, sqsRecordFactory } from '../../tests/helpers/events.js';

export const UPLOAD_BUCKET = 'bench-uploads';
export const RESULTS_BUCKET = 'bench-results';
export const NOOP_ROUTE: AnyRoute = { id: 'bench', prefix: 'incoming/bench/', suffixes: ['.txt'], processor: 'noop' };

const BODY = Buffer.from('a,b\n1,2\n');

/** How many calls each variant made, to check they do the same work. */
export const calls = { manifestReads: 0, objectReads: 0, manifestWrites: 0 };

export const resetCalls = (): void => {
  calls.manifestReads = 0;
  calls.objectReads = 0;
  calls.manifestWrites = 0;
};

type FakeOutput = { $metadata: { httpStatusCode: number }; ETag: string; Body?: Readable; ContentType?: string };

/** How long each fake S3 call waits before answering (0: at once, the overhead benchmark; 20: the latency one). */
let latencyMs = 0;

const answerAfterLatency = (): Promise<void> | undefined => (latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : undefined);

/** GetObject on `manifests/…` → NoSuchKey (nothing processed yet); other GetObject → a tiny body; PutObject → ok. */
const fakeSend = async (command: unknown): Promise<FakeOutput> => {
  await answerAfterLatency();
  if (command instanceof GetObjectCommand) {
    if (command.input.Key?.startsWith('manifests/') === true) {
      calls.manifestReads++;
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    }
    calls.objectReads++;
    return { $metadata: { httpStatusCode: 200 }, ETag: '"etag"', Body: Readable.from([BODY]), ContentType: 'text/plain' };
  }
  if (command instanceof PutObjectCommand) {
    calls.manifestWrites++;
    return { $metadata: { httpStatusCode: 200 }, ETag: '"manifest-etag"' };
  }
  throw new Error(`fake S3: only GetObject and PutObject are answered, ${String(command)} given`);
};

/** A real `S3Client` (so `instanceof` and types hold) whose `send` never leaves the process, answering after `answerAfterMs`. */
export const fakeS3 = (answerAfterMs = 0): S3Client => {
  latencyMs = answerAfterMs;
  return Object.assign(new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }), { send: fakeSend });
};

/** Returns at once without reading its input: the benchmark measures everything but the processor. */
export const noopProcessor: ProcessorModule = { name: 'noop', version: '0.0.0', process: async () => ({ counts: {} }) };

export const loadNoopProcessor = async (name: string): Promise<ProcessorModule> => {
  if (name !== noopProcessor.name) throw new Error(`bench: only the '${noopProcessor.name}' processor exists, '${name}' given`);
  return noopProcessor;
};

/** One `ObjectCreated:Put` notification per message (a 2 KiB object), built like the tests' events; the key needs decoding. */
const sqsRecord = (index: number): SQSRecord =>
  sqsRecordFactory(
    s3NotificationBody(
      s3RecordFactory({
        bucket: UPLOAD_BUCKET,
        key: `incoming/bench/2026/report ${index} été+1.txt`,
        size: 2048,
        eTag: 'b1946ac92492d2347c6235b4d2611184',
        versionId: `Vqo1ljhtJqTBxVeRAAKbXsHMcm0w${String(index).padStart(4, '0')}`,
        sequencer: `00692AB9E1D2C3${String(index).padStart(4, '0')}`,
      }),
    ),
  );

/** Fresh objects per call: Middy and the chain annotate what they are given. */
export const sqsBatch = (size: number): SQSEvent => ({ Records: Array.from({ length: size }, (_, index) => sqsRecord(index)) });
