import { describe, expect, test } from 'vitest';
import { type Manifest, decide, manifestKeyFor } from '../../src/storage/manifestStore.js';
import { compareSequencers } from '../../src/storage/sequencer.js';
import type { SourceObject } from '../../src/processors/types.js';

const source = (overrides: Partial<SourceObject>): SourceObject => ({ bucket: 'u', key: 'incoming/a.csv', size: 1, sequencer: '0055', ...overrides });
const stored = (overrides: Partial<SourceObject>) => ({ source: source(overrides) }) as Manifest;

describe('compareSequencers', () => {
  test.each([
    ['0A', '0B', -1],
    ['0B', '0A', 1],
    ['0A1', '0A10', 0],
    ['0062F', '0062E00000', 1],
    ['0062e', '0062E', 0],
  ])('%s vs %s → %i', (a, b, expected) => expect(compareSequencers(a, b)).toBe(expected));
});

describe('decide', () => {
  test.each([
    { name: 'no manifest', existing: undefined, event: {}, expected: 'process' },
    { name: 'same version id', existing: stored({ versionId: 'v1', sequencer: '01' }), event: { versionId: 'v1', sequencer: '02' }, expected: 'duplicate' },
    { name: 'same eTag, unversioned', existing: stored({ eTag: 'e', sequencer: '01' }), event: { eTag: 'e', sequencer: '02' }, expected: 'duplicate' },
    { name: 'newer event', existing: stored({ versionId: 'v1', sequencer: '01' }), event: { versionId: 'v2', sequencer: '02' }, expected: 'process' },
    { name: 'older event', existing: stored({ versionId: 'v2', sequencer: '02' }), event: { versionId: 'v1', sequencer: '01' }, expected: 'stale' },
    { name: 'older event, shorter sequencer', existing: stored({ versionId: 'v2', sequencer: '0062F' }), event: { versionId: 'v1', sequencer: '0062E00000' }, expected: 'stale' },
  ] as const)('$name → $expected', ({ existing, event, expected }) => {
    expect(decide(existing, source(event))).toBe(expected);
  });
});

describe('manifestKeyFor', () => {
  test('a safe key from the upload bucket maps to manifests/<key>.json', () => {
    expect(manifestKeyFor(source({ key: 'incoming/a b.csv' }), 'u')).toBe('manifests/incoming/a b.csv.json');
  });
  test.each([
    { name: 'another bucket', object: source({ bucket: 'other' }) },
    { name: 'an unsafe key', object: source({ key: '../etc/passwd' }) },
  ])('$name maps under manifests/_unmapped/ by hash', ({ object }) => {
    expect(manifestKeyFor(object, 'u')).toMatch(/^manifests\/_unmapped\/[0-9a-f]{64}\.json$/);
  });
});
