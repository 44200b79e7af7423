/**
 * A progress line for long commands: redrawn in place on a terminal, and on anything else (a
 * pipe, CI) written as a plain line at most every few seconds, so logs stay readable.
 */
export interface Progress {
  update(line: string): void;
  /** Ends the progress line with a final one (always printed). */
  done(line: string): void;
}

/** ANSI: carriage return, then erase the whole line. */
export const CLEAR_LINE = '\r\u001b[2K';

interface Output {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export const createProgress = (output: Output = process.stderr, intervalMs = 5_000, now = Date.now): Progress => {
  let lastPrinted = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(line) {
      if (output.isTTY) {
        output.write(`${CLEAR_LINE}${line}`);
        drawn = true;
      } else if (now() - lastPrinted >= intervalMs) {
        output.write(`${line}\n`);
        lastPrinted = now();
      }
    },
    done(line) {
      output.write(`${output.isTTY && drawn ? CLEAR_LINE : ''}${line}\n`);
      drawn = false;
    },
  };
};

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** @example formatBytes(1536) // '1.5 KiB' */
export const formatBytes = (bytes: number): string => {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
};
