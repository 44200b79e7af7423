/** Lambda entry point: the worker chain wired to real S3, the routing config and the registry. */
import { S3Client } from '@aws-sdk/client-s3';
import { loadWorkerConfig } from '../config/runtime.js';
import { logger, metrics } from '../observability.js';
import { loadProcessor } from '../processors/registry.js';
import { ManifestStore } from '../storage/manifestStore.js';
import { type WorkerDependencies, createWorker } from './createWorker.js';

const config = loadWorkerConfig(process.env);
const client = new S3Client({ forcePathStyle: config.s3ForcePathStyle });

const workerWith = (s3: S3Client, tracing?: WorkerDependencies['tracing']) =>
  createWorker({
    ...config,
    s3,
    tracing,
    manifests: new ManifestStore(s3, config.resultsBucket),
    concurrency: config.recordConcurrency,
    loadProcessor,
    logger,
    metrics,
  });

/**
 * With tracing on, the Tracer and the X-Ray SDK load on the first invocation, not at import: off,
 * they would cost every cold start; and no top-level await, which `sls invoke local` (require) cannot load.
 */
let traced: Promise<ReturnType<typeof createWorker>> | undefined;
const tracedWorker = () => {
  traced ??= import('../middleware/traceBatch.js').then(async ({ traceBatch }) => {
    const { s3, middlewares } = await traceBatch(client);
    return workerWith(s3, middlewares);
  });
  return traced;
};

export const handler = config.tracing ? async (...args: Parameters<ReturnType<typeof createWorker>>) => (await tracedWorker())(...args) : workerWith(client);
