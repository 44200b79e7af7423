/** A worker chain wired to the in-memory S3 and test processors. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { text } from 'node:stream/consumers';
import type { AnyRoute } from '../../src/config/types.js';
import { RejectionError, TransientError } from '../../src/errors.js';
import { type WorkerDependencies, createWorker } from '../../src/handlers/createWorker.js';
import type { ProcessorModule } from '../../src/processors/types.js';
import { ManifestStore } from '../../src/storage/manifestStore.js';
import { RESULTS_BUCKET, UPLOAD_BUCKET } from './events.js';
import { FakeS3 } from './fakeS3.js';

/** Upper-cases the text; rejects content `corrupt`, fails transiently on content `flaky`. */
export const upperCaseProcessor: ProcessorModule = {
  name: 'upper-case',
  version: '1.0.0',
  process: async (input, _context, sink) => {
    const content = await text(input);
    if (content === 'corrupt') throw new RejectionError('content: must not be corrupt, corrupt given');
    if (content === 'flaky') throw new TransientError('downstream: throttled');
    if (content === 'boom') throw new TypeError('unexpected bug');
    await sink.write('upper.txt', Buffer.from(content.toUpperCase()), 'text/plain');
    return { counts: { characters: content.length } };
  },
};

export const TEXT_ROUTE: AnyRoute = { id: 'text', prefix: 'incoming/text/', suffixes: ['.txt'], processor: 'upper-case' };

export const testRoutes: readonly AnyRoute[] = [TEXT_ROUTE];

export const createTestWorker = (overrides: Partial<WorkerDependencies> = {}) => {
  const s3 = new FakeS3();
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
  const deps: WorkerDependencies = {
    s3: s3.asClient(),
    manifests: new ManifestStore(s3.asClient(), RESULTS_BUCKET),
    uploadBucket: UPLOAD_BUCKET,
    resultsBucket: RESULTS_BUCKET,
    concurrency: 4,
    routes: testRoutes,
    maxObjectBytes: 1000,
    maxReceives: 5,
    logger,
    metrics,
    loadProcessor: async (name) => {
      if (name !== 'upper-case') throw new RejectionError(`processor: unknown, '${name}' given`);
      return upperCaseProcessor;
    },
    ...overrides,
  };
  return { s3, logger, metrics, deps, handler: createWorker(deps) };
};
