/**
 * The NDJSON output as bytes: rows are written straight into a buffer that is handed on
 * (pushed) once it holds a batch, so no row is ever a string that must be encoded again.
 */
export const BATCH_BYTES = 64 * 1024;

export class ByteOutput {
  buffer = Buffer.allocUnsafeSlow(2 * BATCH_BYTES);
  pos = 0;

  /** Makes room for `bytes` more; returns the full batch to hand on first, if any. */
  reserve(bytes: number): Buffer | undefined {
    if (this.pos + bytes <= this.buffer.length) return undefined;
    const full = this.take();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafeSlow(Math.max(bytes, 2 * BATCH_BYTES));
    return full;
  }

  /** The bytes written so far, leaving a fresh buffer (the taken one now belongs to the consumer). */
  take(): Buffer | undefined {
    if (this.pos === 0) return undefined;
    const full = this.buffer.subarray(0, this.pos);
    this.buffer = Buffer.allocUnsafeSlow(this.buffer.length);
    this.pos = 0;
    return full;
  }

  byte(value: number): void {
    this.buffer[this.pos++] = value;
  }

  /** Copies `source[start..end)`; a loop beats `copy`'s call overhead for the short values of a row. */
  bytes(source: Uint8Array, start: number, end: number): void {
    const buffer = this.buffer;
    let pos = this.pos;
    if (end - start > 32) {
      buffer.set(source.subarray(start, end), pos);
      this.pos = pos + end - start;
      return;
    }
    for (let at = start; at < end; at++) buffer[pos++] = source[at] ?? 0;
    this.pos = pos;
  }

  /** Text known to be ASCII (numbers, prefixes). */
  ascii(text: string): void {
    const buffer = this.buffer;
    let pos = this.pos;
    for (let at = 0; at < text.length; at++) buffer[pos++] = text.charCodeAt(at);
    this.pos = pos;
  }

  /** Any text, as UTF-8 (the room for it reserved: at most 3 bytes per UTF-16 unit). */
  text(text: string): void {
    this.pos += this.buffer.write(text, this.pos, 'utf8');
  }
}
