/**
 * `npm run worker:local`: the local loop (local/workerLoop.ts) against the deployed `local` stack.
 * Ctrl-C lets the batches in flight finish, stops `sls offline` and exits.
 */
import { describeBatch, runWorkerLoop } from '../workerLoop.js';

const controller = new AbortController();
// Every SIGINT, not once: the tsx CLI forwards Ctrl-C and sends a second SIGINT 30 ms later.
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());
await runWorkerLoop({
  signal: controller.signal,
  onReady: (description) => console.log(`worker:local ${description}`),
  onBatch: (outcome) => console.log(describeBatch(outcome)),
});
