/** A gzip'd ALB access log uploaded under the logs route → manifest, normalized records, summary and rejects. */
import { gzipSync } from 'node:zlib';
import { beforeAll, expect, inject, test } from 'vitest';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { expectedSummaries, fixture } from '../processors/accessLogs/fixtures.js';
import { depth, getBytes, purge, put, runId } from './helpers/aws.js';
import { ndjsonRows, readManifest, sha256Base64 } from './helpers/results.js';
import { startWorker } from './helpers/worker.js';

const stack = inject('stack');
const key = `incoming/logs/${runId()}/app-lb.2026-11-02.LOG.GZ`;
const expected = expectedSummaries['alb.log'];
let manifest: Manifest | undefined;
let versionId: string | undefined;

const output = async (name: string): Promise<Buffer> => {
  const outputKey = manifest?.outputs.find((entry) => entry.key.endsWith(`/${name}`))?.key ?? '';
  return (await getBytes(stack.ResultsBucketName, outputKey)) ?? Buffer.alloc(0);
};

beforeAll(async () => {
  await purge(stack.QueueUrl, stack.DeadLetterQueueUrl);
  versionId = (await put(stack.UploadBucketName, key, gzipSync(fixture('alb.log')))).VersionId;
  const worker = await startWorker({ stack });
  await worker.runUntil(
    'the access log manifest',
    async () => {
      manifest = await readManifest(stack, key);
      return manifest !== undefined;
    },
    60_000,
  );
  expect(await depth(stack.DeadLetterQueueUrl)).toBe(0);
});

test('the manifest names the version and the processor, and carries the headline numbers', () => {
  expect(manifest).toMatchObject({
    status: 'processed',
    source: { key, versionId },
    processor: { name: 'access-logs', version: '1.0.0' },
    counts: { linesIn: 32, linesOut: 30, linesRejected: 2, requests2xx: 12, requests3xx: 7, requests4xx: 4, requests5xx: 7, bytesSent: 15330 },
  });
  expect(manifest?.outputs.map((entry) => entry.key.split('/').pop()).sort()).toEqual(['records.ndjson.gz', 'rejects.ndjson.gz', 'summary.json']);
});

test('the stored outputs match the manifest byte for byte', async () => {
  for (const entry of manifest?.outputs ?? []) {
    const stored = await getBytes(stack.ResultsBucketName, entry.key);
    expect({ bytes: stored?.length, sha256: stored === undefined ? undefined : sha256Base64(stored) }).toEqual({ bytes: entry.bytes, sha256: entry.sha256 });
  }
});

test('summary.json is the exact summary of the log', async () => {
  expect(JSON.parse((await output('summary.json')).toString('utf8'))).toEqual(expected);
});

test('records.ndjson.gz has one normalized record per good line; rejects.ndjson.gz the two bad ones', async () => {
  const records = ndjsonRows(await output('records.ndjson.gz'));
  expect(records).toHaveLength(30);
  expect(records[0]).toMatchObject({
    timestamp: '2026-11-02T10:00:00.186Z',
    client: '192.168.131.39',
    method: 'GET',
    path: '/',
    status: 200,
    bytes: 366,
    latencyMs: 0,
    userAgent: 'curl/7.46.0',
    fields: { type: 'h2', 'client:port': '192.168.131.39:2800', ssl_protocol: 'TLSv1.2' },
  });
  expect(ndjsonRows(await output('rejects.ndjson.gz'))).toEqual([
    expect.objectContaining({ line: 11, reason: expect.stringMatching(/^time: /) }),
    expect.objectContaining({ line: 21, reason: expect.stringMatching(/^field 5: must end its opening quote/) }),
  ]);
});
