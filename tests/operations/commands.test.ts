import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeToken, encodeToken, parsePrefix, parseSince } from '../../operations/commands/backfill.js';
import { parseLimit } from '../../operations/commands/dlq.js';
import { compareVersions, parseVersion } from '../../operations/commands/reprocess.js';
import { checkUploadArguments, keyFor } from '../../operations/commands/upload.js';
import { recordedManifestKey, unmappedManifestKey } from '../../src/storage/resultKeys.js';

describe('files:upload keys', () => {
  test('a file goes under the route whose suffix it has, in any case; the longest suffix wins', () => {
    expect(keyFor('data/day.csv', undefined, 1)).toBe('incoming/orders/day.csv');
    expect(keyFor('IMG_0001.JPG', undefined, 1)).toBe('incoming/images/IMG_0001.JPG');
    expect(keyFor('day.csv.gz', undefined, 1)).toBe('incoming/orders/day.csv.gz');
    expect(keyFor('alb.log.gz', undefined, 1)).toBe('incoming/logs/alb.log.gz');
  });

  test('--to is a prefix, or the full key of a single file, inside the inbox', () => {
    expect(keyFor('a.csv', 'incoming/orders/2026/', 2)).toBe('incoming/orders/2026/a.csv');
    expect(keyFor('a.csv', 'incoming/orders/renamed.csv', 1)).toBe('incoming/orders/renamed.csv');
    expect(() => keyFor('a.csv', 'incoming/orders/x.csv', 2)).toThrow(
      "--to: with several files it must be a prefix ending in '/', 'incoming/orders/x.csv' given",
    );
    expect(() => keyFor('a.csv', 'elsewhere/', 1)).toThrow("--to: must be under incoming/ (only uploads there are processed), 'elsewhere/a.csv' given");
  });

  test('a name no single route takes needs --to', () => {
    expect(() => keyFor('notes.txt', undefined, 1)).toThrow(/notes\.txt: no single route takes this file name; say where with --to/);
  });

  test('arguments are checked before anything is uploaded', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'upload-'));
    const file = path.join(dir, 'day.csv');
    await writeFile(file, 'a\n');
    await expect(checkUploadArguments({ path: [file] })).resolves.toEqual([{ file, key: 'incoming/orders/day.csv' }]);
    await expect(checkUploadArguments({})).rejects.toThrow('files:upload: name at least one file');
    await expect(checkUploadArguments({ path: path.join(dir, 'missing.csv') })).rejects.toThrow(/missing\.csv: no such file/);
    await expect(checkUploadArguments({ path: dir })).rejects.toThrow(/no such file/);
    await expect(checkUploadArguments({ path: file, wait: true, timeout: '-1' })).rejects.toThrow(
      "--timeout: must be a positive number of seconds, '-1' given",
    );
  });
});

describe('files:backfill arguments', () => {
  test('a token round-trips its position; anything else is refused', () => {
    for (const position of [
      { keyMarker: 'incoming/a b.csv', versionIdMarker: 'v1' },
      { keyMarker: 'incoming/x', versionIdMarker: undefined },
    ]) {
      expect(decodeToken(encodeToken(position))).toEqual(position);
    }
    expect(() => decodeToken('nonsense')).toThrow("--continue: not a token files:backfill printed, 'nonsense' given");
  });

  test('--prefix stays in the inbox; --since is a date', () => {
    expect(parsePrefix(undefined)).toBe('incoming/');
    expect(() => parsePrefix('processed/')).toThrow("--prefix: must be under incoming/, 'processed/' given");
    expect(parseSince('2026-11-01')?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseSince('yesterday')).toThrow(/--since: must be a date/);
  });
});

describe('files:reprocess versions', () => {
  test.each([
    ['1.0.0', '1.0.0', 0],
    ['1.9.2', '1.10.0', -1],
    ['2.0', '1.99.99', 1],
    ['1.0', '1.0.1', -1],
  ])('compareVersions(%s, %s) = %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  test('--below-version must be dotted numbers', () => {
    expect(parseVersion('1.2.0')).toBe('1.2.0');
    expect(() => parseVersion('latest')).toThrow("--below-version: must be a version like 1.2.0, 'latest' given");
  });
});

test('files:status finds the rejection of an unsafe key from the key itself', () => {
  expect(recordedManifestKey({ bucket: 'uploads', key: 'incoming/orders/day.csv' }, 'uploads')).toBe('manifests/incoming/orders/day.csv.json');
  expect(recordedManifestKey({ bucket: 'uploads', key: 'incoming/../x.csv' }, 'uploads')).toBe(
    unmappedManifestKey({ bucket: 'uploads', key: 'incoming/../x.csv' }),
  );
});

test('--limit is a whole number ≥ 1', () => {
  expect(parseLimit(undefined)).toBe(20);
  expect(parseLimit('5000')).toBe(5000);
  expect(() => parseLimit('0')).toThrow("--limit: must be a whole number ≥ 1, '0' given");
});
