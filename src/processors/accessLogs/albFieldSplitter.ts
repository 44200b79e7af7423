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

/** What a byte is to the splitter: plain text (copied as is), a space, a quote, or one that declines the line. */
const PLAIN = 0;
const SEPARATOR = 1;
const QUOTE_KIND = 2;
const DECLINED = 3;
const BYTE_KINDS = Uint8Array.from({ length: 256 }, (_, byte) =>
  byte === SPACE ? SEPARATOR : byte === QUOTE ? QUOTE_KIND : byte < SPACE || byte > TILDE || byte === BACKSLASH ? DECLINED : PLAIN,
);
/** Past the fields the splitter copies, only quotes and backslashes matter. */
const REST_KINDS = Uint8Array.from({ length: 256 }, (_, byte) => (byte === QUOTE ? QUOTE_KIND : byte === BACKSLASH ? DECLINED : PLAIN));

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
      // One table lookup per byte: the loops stop at the first byte that is not the field's text.
      const quoted = pos < end && line[pos] === QUOTE;
      let i = quoted ? ++pos : pos;
      if (quoted) {
        if (copying) while (i < end && (BYTE_KINDS[line[i] as number] as number) <= SEPARATOR) out[at++] = line[i++] as number;
        else while (i < end && (BYTE_KINDS[line[i] as number] as number) <= SEPARATOR) i++;
        if (i === end || line[i] !== QUOTE || (i + 1 < end && line[i + 1] !== SPACE)) return false;
      } else {
        if (copying) while (i < end && BYTE_KINDS[line[i] as number] === PLAIN) out[at++] = line[i++] as number;
        else while (i < end && BYTE_KINDS[line[i] as number] === PLAIN) i++;
        if (i < end && line[i] !== SPACE) return false;
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
    for (let i = start; i < end; i++) {
      const kind = REST_KINDS[line[i] as number];
      if (kind === PLAIN) continue;
      if (kind === DECLINED) return false;
      if (i !== start && line[i - 1] !== SPACE) continue; // a quote inside a field is text
      // A quote that starts a field: the field ends at its closing quote.
      do i++;
      while (i < end && REST_KINDS[line[i] as number] === PLAIN);
      if (i === end || line[i] === BACKSLASH || (i + 1 < end && line[i + 1] !== SPACE)) return false;
      i++;
    }
    return true;
  }
}
