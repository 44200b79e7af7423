import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_INPUT_KEY_BYTES, manifestKey, outputKey, unmappedManifestKey, unsafeKeyReason, versionTag } from '../../src/storage/resultKeys.js';

describe('unsafeKeyReason', () => {
  test.each([
    { name: 'a space, + and a dot in a name', key: 'incoming/orders/2026/orders sample+1.csv' },
    { name: 'unicode (accents, CJK, emoji)', key: 'incoming/images/café ☕/猫 😀.jpg' },
    { name: 'dots inside a segment', key: 'incoming/orders/a..b/.hidden.csv' },
    { name: 'exactly the byte limit (ASCII)', key: 'x'.repeat(MAX_INPUT_KEY_BYTES) },
    { name: 'exactly the byte limit (2-byte é)', key: 'é'.repeat(MAX_INPUT_KEY_BYTES / 2) },
    { name: 'a trailing slash', key: 'incoming/orders/' },
  ])('accepts $name', ({ key }) => {
    expect(unsafeKeyReason(key)).toBeUndefined();
  });

  test.each([
    { name: 'empty', key: '', reason: 'key: must not be empty' },
    {
      name: "a '..' segment",
      key: 'incoming/orders/../../etc/passwd.csv',
      reason: "key: must not contain '.' or '..' segments, 'incoming/orders/../../etc/passwd.csv' given",
    },
    { name: "a final '..' segment", key: 'incoming/orders/..', reason: "key: must not contain '.' or '..' segments, 'incoming/orders/..' given" },
    { name: "a '.' segment", key: 'incoming/./orders.csv', reason: "key: must not contain '.' or '..' segments, 'incoming/./orders.csv' given" },
    { name: "a leading '/'", key: '/incoming/orders/x.csv', reason: "key: must not start with '/', '/incoming/orders/x.csv' given" },
    { name: 'a NUL', key: 'incoming/a\u0000b.csv', reason: 'key: must not contain control characters, "incoming/a\\u0000b.csv" given' },
    { name: 'a newline', key: 'incoming/a\nb.csv', reason: 'key: must not contain control characters, "incoming/a\\nb.csv" given' },
    { name: 'a tab', key: 'incoming/a\tb.csv', reason: 'key: must not contain control characters, "incoming/a\\tb.csv" given' },
    { name: 'DEL (0x7f)', key: 'incoming/a\u007fb.csv', reason: 'key: must not contain control characters, "incoming/a\u007fb.csv" given' },
    { name: 'too long (ASCII)', key: 'x'.repeat(MAX_INPUT_KEY_BYTES + 1), reason: `key: must be at most ${MAX_INPUT_KEY_BYTES} bytes, 801 given` },
    // 401 × 2 bytes: 401 characters, far under 800, yet 802 bytes.
    { name: 'too long in UTF-8 bytes (é)', key: 'é'.repeat(401), reason: `key: must be at most ${MAX_INPUT_KEY_BYTES} bytes, 802 given` },
    // 201 × 4 bytes = 804 bytes in 402 UTF-16 code units.
    { name: 'too long in UTF-8 bytes (emoji)', key: '😀'.repeat(201), reason: `key: must be at most ${MAX_INPUT_KEY_BYTES} bytes, 804 given` },
  ])('rejects $name', ({ key, reason }) => {
    expect(unsafeKeyReason(key)).toBe(reason);
  });
});

describe('unsafeKeyReason takes its shortcuts without changing its answers', () => {
  /** The rules as first written (no control characters below): count every key's bytes, split every key into segments. */
  const reference = (key: string): string | undefined => {
    if (key === '') return 'key: must not be empty';
    const bytes = Buffer.byteLength(key);
    if (bytes > MAX_INPUT_KEY_BYTES) return `key: must be at most ${MAX_INPUT_KEY_BYTES} bytes, ${bytes} given`;
    if (key.startsWith('/')) return `key: must not start with '/', '${key}' given`;
    if (key.split('/').some((segment) => segment === '.' || segment === '..')) return `key: must not contain '.' or '..' segments, '${key}' given`;
    return undefined;
  };

  test('on keys of dots, slashes and 1- to 4-byte characters, up to past the byte limit', () => {
    const piece = fc.constantFrom('.', '..', '/', 'a', 'é', '猫', '😀', 'x'.repeat(100), 'é'.repeat(100), '猫'.repeat(100), '😀'.repeat(50));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const key = pieces.join('');
        expect(unsafeKeyReason(key)).toBe(reference(key));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('result keys', () => {
  const source = { bucket: 'b', key: 'incoming/orders/a b.csv', size: 1, sequencer: '00692AB9E1D2C3B4A5' };

  test('manifest key', () => expect(manifestKey(source.key)).toBe('manifests/incoming/orders/a b.csv.json'));

  test('an unmapped manifest key hashes bucket and key, so neither reaches the layout', () => {
    const key = unmappedManifestKey({ bucket: 'other', key: '../etc/passwd' });
    expect(key).toMatch(/^manifests\/_unmapped\/[0-9a-f]{64}\.json$/);
    expect(unmappedManifestKey({ bucket: 'other2', key: '../etc/passwd' })).not.toBe(key);
  });

  test.each([
    { name: 'the version id first', input: { ...source, versionId: 'Vqo1.lj_ht-Jq', eTag: 'e' }, tag: 'Vqo1.lj_ht-Jq' },
    { name: 'else the eTag', input: { ...source, eTag: 'b1946ac9' }, tag: 'b1946ac9' },
    { name: 'else the sequencer', input: source, tag: '00692AB9E1D2C3B4A5' },
    { name: 'unsafe characters replaced', input: { ...source, versionId: 'a/b+c=' }, tag: 'a_b_c_' },
  ])('version tag: $name', ({ input, tag }) => {
    expect(versionTag(input)).toBe(tag);
    expect(outputKey(input, 'rows.ndjson.gz')).toBe(`processed/${source.key}/${tag}/rows.ndjson.gz`);
  });
});
