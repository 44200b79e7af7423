/**
 * `splitAlbLine` on the bytes of a plain line, for the byte-level ALB path: finds where each
 * field starts and ends, and (when the record keeps the source's fields) writes them as the
 * inside of the record's `fields` object, `"name":"value",…` (or `null`), into a reused buffer.
 * It declines (false) a line with a byte it would unescape or JSON would escape, or one it can't split.
 */
import { ALB_FIELDS } from './alb.js';
import { BACKSLASH, copyAll, isMissing, latin1Bytes, QUOTE, SPACE, TILDE } from './asciiBytes.js';

/** Up to `user_agent`, as `parseAlbLine`. */
export const MIN_FIELDS = 14;
/** Lines with more fields take the general path; this bounds the field-name cache. */
const MAX_FIELDS = 128;
const NULL = latin1Bytes('null');
/** Room in the buffer beyond the line's bytes: `"name":"` and `"` or `null` for every field. */
const SLACK = 64 * MAX_FIELDS;

export class AlbFieldSplitter {
  /** Where the first `MIN_FIELDS` fields (those the normalized columns come from) start and end in the line. */
  readonly starts = new Int32Array(MIN_FIELDS);
  readonly ends = new Int32Array(MIN_FIELDS);
  /** The record's `fields` object without its braces, `fieldBytes` long; empty when not `copying`. */
  fields = Buffer.allocUnsafe(0);
  fieldBytes = 0;
  /** `"name":"`, with a comma before all but the first. */
  private readonly keys: Uint8Array[] = [];

  constructor(private readonly copying: boolean) {
    for (let i = 0; i < MAX_FIELDS; i++) this.keys.push(latin1Bytes(`${i === 0 ? '' : ','}${JSON.stringify(ALB_FIELDS[i] ?? `field_${i + 1}`)}:"`));
  }

  /** Splits `line[start, end)`; false when it must take the general path. */
  split(line: Uint8Array, start: number, end: number): boolean {
    const { copying, keys } = this;
    if (copying && this.fields.length < end - start + SLACK) this.fields = Buffer.allocUnsafe(2 * (end - start) + SLACK);
    const out = this.fields;
    let at = 0;
    let count = 0;
    let pos = start;
    while (pos <= end) {
      if (count === MIN_FIELDS && !copying) return this.restSplits(line, pos, end);
      if (count === MAX_FIELDS) return false;
      if (copying) at = copyAll(keys[count] as Uint8Array, out, at);
      const quoted = pos < end && line[pos] === QUOTE;
      let i = pos;
      if (quoted) {
        for (i = pos + 1; i < end; i++) {
          const byte = line[i] as number;
          if (byte === QUOTE) break;
          if (byte < SPACE || byte > TILDE || byte === BACKSLASH) return false;
          if (copying) out[at++] = byte;
        }
        if (i === end || (i + 1 < end && line[i + 1] !== SPACE)) return false;
        pos++;
      } else {
        for (; i < end; i++) {
          const byte = line[i] as number;
          if (byte === SPACE) break;
          if (byte < SPACE || byte > TILDE || byte === BACKSLASH || byte === QUOTE) return false;
          if (copying) out[at++] = byte;
        }
      }
      // `pos` is now where the value starts, `i` where it ends.
      if (copying) {
        if (isMissing(line, pos, i)) at = copyAll(NULL, out, at - (i - pos) - 1);
        else out[at++] = QUOTE;
      }
      if (count < MIN_FIELDS) {
        this.starts[count] = pos;
        this.ends[count] = i;
      }
      count++;
      pos = quoted ? i + 2 : i + 1;
    }
    this.fieldBytes = at;
    return count >= MIN_FIELDS;
  }

  /**
   * Past the fields the columns come from, a record without the source's fields needs only that
   * the rest of the line splits as `splitAlbLine` splits it (else it is rejected): every quoted
   * field closed and followed by a space or the end. Backslashes (escaped quotes) are declined.
   */
  private restSplits(line: Uint8Array, start: number, end: number): boolean {
    this.fieldBytes = 0;
    let quoted = false;
    let fieldStart = start;
    for (let i = start; i < end; i++) {
      const byte = line[i] as number;
      if (byte === BACKSLASH) return false;
      if (quoted) {
        if (byte !== QUOTE) continue;
        if (i + 1 < end && line[i + 1] !== SPACE) return false;
        quoted = false;
        fieldStart = ++i + 1;
      } else if (byte === SPACE) fieldStart = i + 1;
      else if (byte === QUOTE && i === fieldStart) quoted = true;
    }
    return !quoted;
  }
}
