/**
 * In-memory stand-ins for the handler benchmark: an S3 client that answers instantly, a
 * no-op processor, SQS batches of S3 notifications and a Lambda context. Every variant
 * gets the same fakes, so the only difference left between them is the code around them.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { Readable } from 'node:stream';
import type { BatchContext } from '../../src/batch/types.js';
import type { Route } from '../../src/config/types.js';
import type { ProcessorModule } from '../../src/processors/types.js';

export const UPLOAD_BUCKET = 'bench-uploads';
export const RESULTS_BUCKET = 'bench-results';
export const NOOP_ROUTE: Route = { id: 'bench', prefix: 'incoming/bench/', suffixes: ['.txt'], processor: 'noop' };

const BODY = Buffer.from('a,b\n1,2\n');

/** How many calls each variant made, to check they do the same work. */
export const calls = { manifestReads: 0, objectReads: 0, manifestWrites: 0 };

export const resetCalls = (): void => {
  calls.manifestReads = 0;
  calls.objectReads = 0;
  calls.manifestWrites = 0;
};

type FakeOutput = { $metadata: { httpStatusCode: number }; ETag: string; Body?: Readable; ContentType?: string };

/** GetObject on `manifests/…` → NoSuchKey (nothing processed yet); other GetObject → a tiny body; PutObject → ok. */
const fakeSend = async (command: unknown): Promise<FakeOutput> => {
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

/** A real `S3Client` (so `instanceof` and types hold) whose `send` never leaves the process. */
export const fakeS3 = (): S3Client =>
  Object.assign(new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }), { send: fakeSend });

/** Returns at once without reading its input: the benchmark measures everything but the processor. */
export const noopProcessor: ProcessorModule = { name: 'noop', version: '0.0.0', process: async () => ({ counts: {} }) };

export const loadNoopProcessor = async (name: string): Promise<ProcessorModule> => {
  if (name !== noopProcessor.name) throw new Error(`bench: only the '${noopProcessor.name}' processor exists, '${name}' given`);
  return noopProcessor;
};

/** One S3 `ObjectCreated:Put` notification, shaped like events/s3-object-created.json; the key needs decoding. */
const notification = (index: number): string =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-11-29T09:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAQGBPLAMPXEXAMPLE' },
        requestParameters: { sourceIPAddress: '203.0.113.24' },
        responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'ZjNiNjQ4YTMtYzM5Ny00ZmQwLWE3N2QtNmUyYjEzOGJhZTFk',
          bucket: { name: UPLOAD_BUCKET, ownerIdentity: { principalId: 'A3NL1KOZZKEXAMPLE' }, arn: `arn:aws:s3:::${UPLOAD_BUCKET}` },
          object: {
            key: `incoming/bench/2026/report+${index}+%C3%A9t%C3%A9%2B1.txt`,
            size: 2048,
            eTag: 'b1946ac92492d2347c6235b4d2611184',
            versionId: `Vqo1ljhtJqTBxVeRAAKbXsHMcm0w${String(index).padStart(4, '0')}`,
            sequencer: `00692AB9E1D2C3${String(index).padStart(4, '0')}`,
          },
        },
      },
    ],
  });

const sqsRecord = (index: number): SQSRecord => ({
  messageId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  receiptHandle: 'AQEBIZn+O4Aun2sUSW/WfMWrMQQe8CCNiAUMAX/c14OuCUuFfoETXo56crtUZN4BTaM5g8K39WGhPJ5pk4StMVkF+w+Lp0nEXAMPLE==',
  body: notification(index),
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1795942800120', SenderId: 'AIDAJHIPRHEMV73VRJEBU', ApproximateFirstReceiveTimestamp: '1795942800157' },
  messageAttributes: {},
  md5OfBody: '8887c25eafc1e9bb27865fded20bf395',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench-jobs',
  awsRegion: 'us-east-1',
});

/** Fresh objects per call: Middy and the chain annotate what they are given. */
export const sqsBatch = (size: number): SQSEvent => ({ Records: Array.from({ length: size }, (_, index) => sqsRecord(index)) });

const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench-worker',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-worker',
  memoryLimitInMB: '1024',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/bench-worker',
  logStreamName: '2026/11/29/[$LATEST]bench',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A Lambda context; `batch`, `signal` and `mayStart` are placeholders the chain overwrites. */
export const batchContext = (): BatchContext => ({ ...lambdaContext(), batch: [], signal: new AbortController().signal, mayStart: () => true });
