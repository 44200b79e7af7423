/**
 * `npm start`: LocalStack + a deploy of the `local` stage + the worker, until Ctrl-C, which
 * stops the worker (after its batches in flight) and LocalStack if this command started it.
 * Upload under incoming/orders/ or incoming/images/ of the upload bucket to see it work.
 */
import { bringUpLocalStage } from '../src/local/localStack.js';
import { describeBatch, runLocalWorker } from '../src/local/localWorker.js';
import { LAMBDA_NODE_OPTIONS } from '../src/config/workerEnvironment.js';
import { relaunchWithNodeOptions } from '../src/local/relaunch.js';

// The worker runs with the Lambda's NODE_OPTIONS (V8 flags apply only at process start).
await relaunchWithNodeOptions(LAMBDA_NODE_OPTIONS);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const stage = await bringUpLocalStage(console.log);
try {
  await runLocalWorker({
    signal: controller.signal,
    onReady: (description, outputs) =>
      console.log(`worker ${description}\nupload to s3://${outputs.UploadBucketName}/incoming/… and find results in s3://${outputs.ResultsBucketName}/; Ctrl-C stops.`),
    onBatch: (outcome) => console.log(describeBatch(outcome)),
  });
} finally {
  await stage.stop();
}
