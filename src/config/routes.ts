/**
 * The routing table: which uploaded files go to which processor.
 *
 * One source of truth: `serverless.ts` turns it into the bucket's S3 → SQS notification
 * filters and the worker's IAM read scope; the worker uses it to pick a processor.
 * Add a route here and the next deploy wires everything.
 */
import type { Route } from './types.js';

export const routes = [
  {
    id: 'orders',
    prefix: 'incoming/orders/',
    suffixes: ['.csv', '.csv.gz'],
    processor: 'csv-to-ndjson',
    options: { schema: 'orders', delimiter: ',', maxRejectRatio: 0.1 },
  },
  {
    id: 'images',
    prefix: 'incoming/images/',
    suffixes: ['.jpg', '.jpeg', '.png', '.webp', '.avif'],
    processor: 'image-thumbnails',
    options: { widths: [256, 1024] },
  },
] as const satisfies readonly Route[];
