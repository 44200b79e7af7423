import { describe, expect, test, vi } from 'vitest';
import { RejectionError } from '../../src/errors.js';
import { loadProcessor, processorNames } from '../../src/processors/registry.js';
import { ordersCsv } from '../helpers/orders.js';
import { runProcessor } from '../helpers/processorRun.js';

// Importing sharp in this file's module graph fails (Vitest reports "an error when mocking a
// module"), so a test passes only if its code path never loads sharp.
vi.mock('sharp', () => {
  throw new Error('sharp was loaded');
});

describe('processor registry', () => {
  test('a CSV batch never loads sharp', async () => {
    const csv = await loadProcessor('csv-to-ndjson');
    const { summary } = await runProcessor(csv, 'incoming/orders/a.csv', Buffer.from(ordersCsv([{}, {}])), { schema: 'orders' });
    expect(summary.counts).toMatchObject({ rowsIn: 2, rowsOut: 2 });
  });

  test('the image processor is what loads sharp (the control for the test above)', async () => {
    const images = await loadProcessor('image-thumbnails');
    const onePixelPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await expect(runProcessor(images, 'incoming/images/a.png', onePixelPng, {})).rejects.toThrow(/error when mocking a module/);
  });

  test('an unknown processor is a rejection listing the known ones', async () => {
    await expect(loadProcessor('pdf-to-text')).rejects.toThrow(RejectionError);
    await expect(loadProcessor('pdf-to-text')).rejects.toThrow(`processor: must be one of ${processorNames.join(', ')}, 'pdf-to-text' given`);
  });
});
