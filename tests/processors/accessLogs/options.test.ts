import { expect, test } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { parseAccessLogOptions } from '../../../src/processors/accessLogs/options.js';

test('defaults', () => {
  expect(parseAccessLogOptions({})).toMatchObject({
    format: 'auto',
    maxRejectRatio: 0,
    maxLineLength: 65536,
    topCapacity: 1000,
    latencyUnit: 'ms',
    sourceFields: 'all',
    compression: 'gzip',
    gzipLevel: 1,
    zstdLevel: 1,
  });
});

test.each([
  [{ format: 'nginx' }, "access-logs options.format: must be one of auto, alb, cloudfront, jsonl, 'nginx' given"],
  [{ latencyUnit: 'us' }, "access-logs options.latencyUnit: must be one of ms, s, 'us' given"],
  [{ sourceFields: 'some' }, "access-logs options.sourceFields: must be one of all, none, 'some' given"],
  [{ timestampField: '' }, "access-logs options.timestampField: must be a field name of 1 to 256 characters, '' given"],
  [{ topCapacity: 5 }, "access-logs options.topCapacity: must be an integer between 20 and 100000, '5' given"],
  [{ compression: 'brotli' }, "access-logs options.compression: must be one of gzip, zstd, 'brotli' given"],
  [{ zstdLevel: 20 }, "access-logs options.zstdLevel: must be an integer between 1 and 19, '20' given"],
  [{ maxCompressionRatio: 0.5 }, "access-logs options.maxCompressionRatio: must be a number between 1 and 1000000, '0.5' given"],
  [{ maxRejectRatio: 2 }, "access-logs options.maxRejectRatio: must be a number between 0 and 1, '2' given"],
])('%j is a ConfigError: %s', (raw, message) => {
  expect(() => parseAccessLogOptions(raw)).toThrow(new ConfigError(message));
});
