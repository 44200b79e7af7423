/**
 * The routing table: which uploaded files go to which processor.
 *
 * One source of truth: `serverless.ts` notifies the queue of every upload under `INBOX` and
 * lets the worker read it; the worker picks a route by prefix and (case-insensitive) suffix,
 * and records a rejection for anything in the inbox that no route takes. Add a route here
 * and the next deploy wires everything.
 */
import type { Route, RouteFilter } from './types.js';

/**
 * Uploads under this prefix are notified, one S3 rule for all routes. S3's own suffix filters
 * are case-sensitive and drop unmatched keys without a trace (`IMG_0001.JPG`), so suffixes are
 * matched by the worker instead. Keys outside the inbox are never notified, by design.
 */
export const INBOX = 'incoming/';

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
  {
    id: 'logs',
    prefix: 'incoming/logs/',
    // '.gz' takes '.log.gz' and '.jsonl.gz' too; listing them as well would be an overlap.
    suffixes: ['.log', '.jsonl', '.ndjson', '.gz'],
    processor: 'access-logs',
    options: { format: 'auto', maxRejectRatio: 0.1 },
  },
] as const satisfies readonly Route[];

/**
 * The route an object key belongs to, if any: prefix as given (S3 keys and IAM are
 * case-sensitive), suffix in any case (`IMG_0001.JPG`, `Day.CSV`; suffixes are lower case).
 * @example findRoute(routes, 'incoming/images/IMG_0001.JPG')?.id // 'images'
 */
export const findRoute = <R extends RouteFilter>(table: readonly R[], key: string): R | undefined => {
  // Per object on the hot path: lower-case the key only once a prefix matches.
  let lowerKey: string | undefined;
  for (const route of table) {
    if (!key.startsWith(route.prefix)) continue;
    lowerKey ??= key.toLowerCase();
    for (const suffix of route.suffixes) if (lowerKey.endsWith(suffix)) return route;
  }
  return undefined;
};
