/**
 * `isoTimestamp` of ALB's `YYYY-MM-DDTHH:MM:SS…Z` times without a `Date.parse` per line: the ISO
 * text up to the hour, and its epoch ms, cached per hour (a log's times run in order). Minutes
 * and seconds in 00–59 never change the date (V8 rolls over only days past the month's end), so
 * they are copied as they are and added to the hour's ms.
 */
import { COLON, copy, DASH, equalsAt, latin1Bytes, ZERO } from './asciiBytes.js';
import { isoTimestamp } from './record.js';

const T = 0x54;

export class IsoHourCache {
  private readonly key = Buffer.alloc(13);
  private cached = false;
  /** `toISOString()` of the cached hour up to `HH:`, or undefined when the hour is not a valid time. */
  prefix: Uint8Array | undefined;
  /** Epoch ms of the cached hour. */
  hourMs = 0;

  /**
   * Looks up the hour of the time at `line[start]`; false unless `YYYY-MM-DDTHH:MM:SS` with hours
   * 00–23 and minutes and seconds 00–59.
   */
  lookUp(line: Uint8Array, start: number): boolean {
    for (let i = 13; i < 19; i++) {
      const byte = line[start + i] as number;
      if (i === 13 || i === 16 ? byte !== COLON : byte < ZERO || byte > ZERO + 9) return false;
    }
    // Leap seconds (60) and 24:00:00 parse differently with a fraction: the general path decides.
    if ((line[start + 14] as number) > ZERO + 5 || (line[start + 17] as number) > ZERO + 5) return false;
    if (this.cached && equalsAt(line, start, start + 13, this.key)) return this.prefix !== undefined;
    for (let i = 0; i < 13; i++) {
      const byte = line[start + i] as number;
      const expected = i === 4 || i === 7 ? DASH : i === 10 ? T : -1;
      if (expected === -1 ? byte < ZERO || byte > ZERO + 9 : byte !== expected) return false;
    }
    const hour = ((line[start + 11] as number) - ZERO) * 10 + (line[start + 12] as number) - ZERO;
    if (hour > 23) return false;
    copy(line, start, start + 13, this.key, 0);
    this.cached = true;
    const iso = isoTimestamp(`${this.key.toString('latin1')}:00:00Z`);
    this.prefix = iso === undefined ? undefined : latin1Bytes(iso.slice(0, 14));
    this.hourMs = iso === undefined ? 0 : Date.parse(iso);
    return this.prefix !== undefined;
  }

  /** Epoch ms of `HH:MM:SS` + `millis` in the hour last looked up, the time at `line[start]`. */
  epochMs(line: Uint8Array, start: number, millis: number): number {
    const minutes = ((line[start + 14] as number) - ZERO) * 10 + (line[start + 15] as number) - ZERO;
    const seconds = ((line[start + 17] as number) - ZERO) * 10 + (line[start + 18] as number) - ZERO;
    return this.hourMs + minutes * 60_000 + seconds * 1000 + millis;
  }
}
