import { describe, expect, test } from 'vitest';
import { processBatch } from '../../src/batch/processBatch.js';
import type { ObjectTask } from '../../src/batch/types.js';
import { manifestKey } from '../../src/storage/resultKeys.js';
import { FIRST_DELIVERY, UPLOAD_BUCKET, batchContext, sqsEvent } from '../helpers/events.js';
import { sourceObject } from '../helpers/processorRun.js';
import { TEXT_ROUTE, createTestWorker } from '../helpers/worker.js';

describe('processBatch', () => {
  test('skips finish at once; nothing starts once the time budget says no, and those objects get no outcome', async () => {
    const { deps, s3 } = createTestWorker();
    const skipped = sourceObject({ bucket: UPLOAD_BUCKET, key: 'incoming/text/deleted.txt' });
    const routed = sourceObject({ bucket: UPLOAD_BUCKET, key: 'incoming/text/late.txt' });
    const tasks: ObjectTask[] = [
      { kind: 'skipped', source: skipped, reason: "event 'ObjectRemoved:Delete' is not routed" },
      { kind: 'routed', source: routed, route: TEXT_ROUTE, manifestKey: manifestKey(routed.key), delivery: FIRST_DELIVERY },
    ];
    const context = { ...batchContext(), tasks, mayStart: () => false };
    expect(await processBatch(deps)(sqsEvent(), context)).toEqual({ batchItemFailures: [] });
    expect(context.outcomes).toEqual(new Map([[skipped, { outcome: { status: 'skipped', reason: "event 'ObjectRemoved:Delete' is not routed" } }]]));
    expect(s3.calls).toEqual([]);
  });

  test('without validated tasks it fails loudly instead of acknowledging the batch', async () => {
    const { deps } = createTestWorker();
    await expect(processBatch(deps)(sqsEvent(), batchContext())).rejects.toThrow('processBatch: no validated tasks; use validateS3Records before it');
  });
});
