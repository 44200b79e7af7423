/**
 * `npm run worker:local`: the local loop (local/workerLoop.ts) against the deployed `local` stack.
 * Ctrl-C lets the batches in flight finish, stops `sls offline` and exits; Ctrl-C again exits at
 * once. One worker per stage: it refuses to start beside `npm start`.
 */
import { interruptListener } from '../interrupts.js';
import { describeBatch, runWorkerLoop } from '../workerLoop.js';
import { WorkerAlreadyRunningError, acquireWorkerLock } from '../workerLock.js';

try {
  acquireWorkerLock('local');
} catch (error: unknown) {
  if (!(error instanceof WorkerAlreadyRunningError)) throw error;
  console.error(`worker:local: ${error.message}`);
  process.exit(1);
}
const controller = new AbortController();
const onInterrupt = interruptListener({
  onFirst: () => {
    console.log('stopping… (letting the batches in flight finish; Ctrl-C again exits at once)');
    controller.abort();
  },
  onSecond: () => process.exit(130),
});
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onInterrupt);
await runWorkerLoop({
  signal: controller.signal,
  onReady: (description) => console.log(`worker:local ${description}`),
  onBatch: (outcome) => console.log(describeBatch(outcome)),
});
