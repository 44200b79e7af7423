/**
 * `npm run worker:local`: the worker against the deployed `local` stack (see src/local/localWorker.ts).
 * Ctrl-C finishes the batches in flight and exits.
 */
import { describeBatch, runLocalWorker } from '../src/local/localWorker.js';
import { LAMBDA_NODE_OPTIONS } from '../src/config/workerEnvironment.js';
import { relaunchWithNodeOptions } from '../src/local/relaunch.js';

// The worker runs with the Lambda's NODE_OPTIONS (V8 flags apply only at process start).
await relaunchWithNodeOptions(LAMBDA_NODE_OPTIONS);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
await runLocalWorker({
  signal: controller.signal,
  onReady: (description) => console.log(`worker:local ${description}`),
  onBatch: (outcome) => console.log(describeBatch(outcome)),
});
