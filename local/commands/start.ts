/**
 * `npm start`: LocalStack + a deploy of the `local` stage + the local loop (the event source
 * invoking the worker through `sls offline`), until Ctrl-C, which lets the batches in flight
 * finish, then stops `sls offline` and LocalStack if this command started it.
 * Upload under incoming/orders/ or incoming/images/ of the upload bucket to see it work.
 */
import { bringUpLocalStage } from '../bringUp.js';
import { describeBatch, runWorkerLoop } from '../workerLoop.js';

const controller = new AbortController();
// Every SIGINT, not once: the tsx CLI forwards Ctrl-C and sends a second SIGINT 30 ms later.
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());

const stage = await bringUpLocalStage({ say: console.log });
try {
  await runWorkerLoop({
    signal: controller.signal,
    onReady: (description, outputs) =>
      console.log(
        `worker ${description}\nupload to s3://${outputs.UploadBucketName}/incoming/… and find results in s3://${outputs.ResultsBucketName}/; Ctrl-C stops.`,
      ),
    onBatch: (outcome) => console.log(describeBatch(outcome)),
  });
} finally {
  await stage.stop();
}
