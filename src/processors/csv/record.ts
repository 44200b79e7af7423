/**
 * One CSV record as byte spans into the buffer it was found in, reused from record to record so
 * the reader allocates nothing per row. Fields become strings only when asked (`text`), which
 * the fast path avoids entirely: it copies bytes from these spans into the output.
 */
const EMPTY = Buffer.alloc(0);

export class CsvRecord {
  bytes: Buffer = EMPTY;
  count = 0;
  /** The 1-based line the record starts on. */
  line = 0;
  /** The record's bytes, line ending excluded. */
  start = 0;
  end = 0;
  /** Every byte of the record is ASCII (strings can be decoded as latin1). */
  ascii = true;
  /** The record is valid UTF-8 (its bytes can be copied into the output as they are). */
  utf8 = true;
  nul = false;
  /** Field contents: the inside of the quotes for a quoted field, CR of a CRLF excluded. */
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /**
   * Set for a quoted field whose value is not its bytes as they are: `""` inside, or text after
   * the closing quote (lenient, kept as before). Its text is built by `text`; the tail is
   * `tailStarts[i]..tailEnds[i]`.
   */
  complex = new Uint8Array(64);
  tailStarts = new Int32Array(64);
  tailEnds = new Int32Array(64);

  reset(bytes: Buffer): void {
    this.bytes = bytes;
    this.count = 0;
  }

  add(start: number, end: number): void {
    const i = this.slot();
    this.starts[i] = start;
    this.ends[i] = end;
    this.complex[i] = 0;
  }

  addComplex(start: number, end: number, tailStart: number, tailEnd: number): void {
    const i = this.slot();
    this.starts[i] = start;
    this.ends[i] = end;
    this.complex[i] = 1;
    this.tailStarts[i] = tailStart;
    this.tailEnds[i] = tailEnd;
  }

  /** Upper bound of field `i`'s length in UTF-16 units (its byte count). */
  byteLength(i: number): number {
    const own = (this.ends[i] ?? 0) - (this.starts[i] ?? 0);
    return this.complex[i] === 1 ? own + (this.tailEnds[i] ?? 0) - (this.tailStarts[i] ?? 0) : own;
  }

  text(i: number): string {
    const value = this.decode(this.starts[i] ?? 0, this.ends[i] ?? 0);
    return this.complex[i] === 1 ? value.replaceAll('""', '"') + this.decode(this.tailStarts[i] ?? 0, this.tailEnds[i] ?? 0) : value;
  }

  texts(): string[] {
    const fields = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) fields[i] = this.text(i);
    return fields;
  }

  /** Whether field `i`'s bytes are valid UTF-8 / contain a NUL (to name the field in a reason). */
  fieldUtf8(i: number, isUtf8: (bytes: Uint8Array) => boolean): boolean {
    return (
      isUtf8(this.bytes.subarray(this.starts[i], this.ends[i])) && (this.complex[i] !== 1 || isUtf8(this.bytes.subarray(this.tailStarts[i], this.tailEnds[i])))
    );
  }

  fieldHasNul(i: number): boolean {
    const inner = this.bytes.subarray(this.starts[i], this.ends[i]).includes(0);
    return inner || (this.complex[i] === 1 && this.bytes.subarray(this.tailStarts[i], this.tailEnds[i]).includes(0));
  }

  private decode(start: number, end: number): string {
    return this.bytes.toString(this.ascii ? 'latin1' : 'utf8', start, end);
  }

  private slot(): number {
    const i = this.count++;
    if (i === this.starts.length) this.grow();
    return i;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const widen = <T extends Int32Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.starts = widen(this.starts, new Int32Array(size));
    this.ends = widen(this.ends, new Int32Array(size));
    this.complex = widen(this.complex, new Uint8Array(size));
    this.tailStarts = widen(this.tailStarts, new Int32Array(size));
    this.tailEnds = widen(this.tailEnds, new Int32Array(size));
  }
}
