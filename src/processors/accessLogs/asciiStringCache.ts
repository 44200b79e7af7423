/**
 * The strings of ASCII byte ranges, cached by content: logs repeat their paths and clients, so
 * most lines find theirs here instead of making a new string, and the string found is one the
 * heavy-hitters map has already hashed. Direct-mapped (a slot per hash, the newest key wins), so
 * a lookup is one hash and one compare, and memory is fixed: `slots` × `maxKeyBytes` bytes.
 */
export class AsciiStringCache {
  private readonly strings: (string | undefined)[];
  private readonly keys: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly mask: number;

  /** `slots` must be a power of two; longer keys are not cached. */
  constructor(
    slots = 4096,
    private readonly maxKeyBytes = 64,
  ) {
    this.strings = new Array<string | undefined>(slots).fill(undefined);
    this.keys = new Uint8Array(slots * maxKeyBytes);
    this.lengths = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** `bytes.toString('latin1', start, end)`. @example cache.get(line, 10, 24) */
  get(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > this.maxKeyBytes) return bytes.toString('latin1', start, end);
    // FNV-1a.
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
    const slot = (hash ^ (hash >>> 15)) & this.mask;
    const at = slot * this.maxKeyBytes;
    const { keys } = this;
    if (this.lengths[slot] === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (keys[at + i] !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      const cached = this.strings[slot];
      if (same && cached !== undefined) return cached;
    }
    const text = bytes.toString('latin1', start, end);
    for (let i = 0; i < length; i++) keys[at + i] = bytes[start + i] as number;
    this.lengths[slot] = length;
    this.strings[slot] = text;
    return text;
  }
}
