/** The format fixtures (tests/fixtures/accessLogs, written from AWS's documentation) and their route options. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const fixture = (name: string): Buffer => readFileSync(resolve(import.meta.dirname, '../../fixtures/accessLogs', name));

/** The JSON-lines fixture names its fields its own way; the route says which is which. */
export const JSON_FIELDS = {
  timestampField: 'ts',
  statusField: 'code',
  latencyField: 'took',
  pathField: 'uri',
  bytesField: 'size',
  clientField: 'ip',
  methodField: 'verb',
  userAgentField: 'ua',
} as const;

const hitters = (entries: readonly (readonly [string, number])[]) => entries.map(([key, count]) => ({ key, count, error: 0 }));
const codes = (entries: readonly (readonly [number, number])[]) => entries.map(([status, count]) => ({ status, count }));

/**
 * Expected summaries: counts, bytes, top lists and timestamps were worked out from the fixture
 * lines independently of the code; latency quantiles are the sketch's, each within 1% of the
 * exact value at rank q × (n − 1) (asserted in summary.test.ts).
 */
export const expectedSummaries = {
  'alb.log': {
    format: 'alb',
    lines: { in: 32, out: 30, rejected: 2 },
    requests: {
      byStatusClass: { '1xx': 0, '2xx': 12, '3xx': 7, '4xx': 4, '5xx': 7, other: 0 },
      topStatusCodes: codes([
        [200, 12],
        [304, 4],
        [404, 4],
        [500, 4],
        [301, 3],
        [503, 3],
      ]),
    },
    bytesSent: 15330,
    latencyMs: { count: 29, p50: 194, p90: 340, p99: 361 },
    topPaths: hitters([
      ['/', 5],
      ['/api/orders', 5],
      ['/caf%C3%A9/menu', 5],
      ['/img/logo%20big.png', 5],
      ['/index.html', 5],
      ['/search', 5],
    ]),
    topClients: hitters([
      ['10.0.0.7', 6],
      ['192.168.131.39', 6],
      ['2001:db8:85a3::8a2e:370:7334', 6],
      ['2001:db8::1', 6],
      ['203.0.113.9', 6],
    ]),
    timestamps: { first: '2026-11-02T10:00:00.186Z', last: '2026-11-02T10:29:23.215Z' },
  },
  'cloudfront.log': {
    format: 'cloudfront',
    lines: { in: 26, out: 24, rejected: 2 },
    requests: {
      byStatusClass: { '1xx': 0, '2xx': 8, '3xx': 4, '4xx': 4, '5xx': 4, other: 4 },
      topStatusCodes: codes([
        [200, 8],
        [0, 4],
        [304, 4],
        [404, 4],
        [502, 4],
      ]),
    },
    bytesSent: 24276,
    latencyMs: { count: 24, p50: 408, p90: 743, p99: 821 },
    topPaths: hitters([
      ['/a%20b/c.js', 6],
      ['/caf%C3%A9.html', 6],
      ['/favicon.ico', 6],
      ['/index.html', 6],
    ]),
    topClients: hitters([
      ['192.0.2.100', 8],
      ['198.51.100.7', 8],
      ['2001:db8::2', 8],
    ]),
    timestamps: { first: '2026-11-03T08:00:00.000Z', last: '2026-11-03T08:23:23.000Z' },
  },
  'app.jsonl': {
    format: 'jsonl',
    lines: { in: 29, out: 25, rejected: 4 },
    requests: {
      byStatusClass: { '1xx': 0, '2xx': 10, '3xx': 5, '4xx': 5, '5xx': 5, other: 0 },
      topStatusCodes: codes([
        [200, 5],
        [201, 5],
        [302, 5],
        [404, 5],
        [500, 5],
      ]),
    },
    bytesSent: 30000,
    latencyMs: { count: 24, p50: 37.7, p90: 77.5, p99: 89.1 },
    topPaths: hitters([
      ['/v1/items', 9],
      ['/health', 8],
      ['/v1/users/é', 8],
    ]),
    topClients: hitters([
      ['::1', 13],
      ['10.1.1.1', 12],
    ]),
    timestamps: { first: '2026-11-04T11:00:00.500Z', last: '2026-11-04T11:00:24.500Z' },
  },
} as const;
