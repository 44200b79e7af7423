/**
 * The earliest and latest timestamps of a file, in the order of their ISO texts (`toISOString()`
 * output, which is time order for 4-digit years). The byte-level ALB path gives epoch ms of times
 * with 4-digit years instead of texts: those order as their numbers do, and their text is made
 * only when read. In-order logs make nearly every line the latest, so this saves a string per line.
 */

/** One end of the range: a text, or epoch ms whose text is not made yet. */
interface End {
  text: string | undefined;
  /** NaN when the text's time is not computed (or not a 4-digit year). */
  ms: number;
}

/** `toISOString()` writes other years as `+YYYYYY` or `-YYYYYY`, which sort before every digit. */
const isFourDigitYear = (text: string): boolean => {
  const code = text.charCodeAt(0);
  return code >= 0x30 && code <= 0x39;
};

const set = (end: End, text: string | undefined, ms: number): void => {
  end.text = text;
  end.ms = ms;
};

const textOf = (end: End): string | null => {
  if (end.text === undefined && !Number.isNaN(end.ms)) end.text = new Date(end.ms).toISOString();
  return end.text ?? null;
};

/** The end's ms when its text is a 4-digit year, computed once; NaN otherwise. */
const msOf = (end: End): number => {
  if (Number.isNaN(end.ms) && end.text !== undefined && isFourDigitYear(end.text)) end.ms = Date.parse(end.text);
  return end.ms;
};

export class TimeRange {
  private readonly first: End = { text: undefined, ms: Number.NaN };
  private readonly last: End = { text: undefined, ms: Number.NaN };

  /** @example range.addText('2026-11-02T10:00:00.000Z') */
  addText(text: string): void {
    const first = textOf(this.first);
    if (first === null || text < first) set(this.first, text, Number.NaN);
    const last = textOf(this.last);
    if (last === null || text > last) set(this.last, text, Number.NaN);
  }

  /** A time with a 4-digit year as epoch ms, the same as `addText(new Date(ms).toISOString())`. */
  addFourDigitYearMs(ms: number): void {
    const { first, last } = this;
    const firstMs = msOf(first);
    // Compared as texts, a 4-digit year comes after `+YYYYYY` and `-YYYYYY`: never before such a first, always after such a last.
    if (first.text === undefined ? Number.isNaN(firstMs) || ms < firstMs : !Number.isNaN(firstMs) && ms < firstMs) set(first, undefined, ms);
    const lastMs = msOf(last);
    if (Number.isNaN(lastMs) || ms > lastMs) set(last, undefined, ms);
  }

  get firstText(): string | null {
    return textOf(this.first);
  }

  get lastText(): string | null {
    return textOf(this.last);
  }
}
