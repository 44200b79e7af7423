/** Lambda entry point: the worker chain wired to real S3, the routing config and the registry. */
import { S3Client } from '@aws-sdk/client-s3';
import { loadWorkerConfig } from '../config/runtime.js';
import { logger, metrics } from '../observability.js';
import { loadProcessor } from '../processors/registry.js';
import { ManifestStore } from '../storage/manifestStore.js';
import { createWorker } from './createWorker.js';

const config = loadWorkerConfig(process.env);
const client = new S3Client({ forcePathStyle: config.s3ForcePathStyle });
// Loaded only when on: the Tracer and the X-Ray SDK would otherwise cost every cold start.
const tracing = config.tracing ? await (await import('../middleware/traceBatch.js')).traceBatch(client) : undefined;
const s3 = tracing?.s3 ?? client;

export const handler = createWorker({
  ...config,
  s3,
  tracing: tracing?.middlewares,
  manifests: new ManifestStore(s3, config.resultsBucket),
  concurrency: config.recordConcurrency,
  loadProcessor,
  logger,
  metrics,
});
