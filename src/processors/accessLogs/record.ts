/**
 * The normalized record every format maps to, so Athena, Glue or DuckDB read all of them the
 * same way: eight common columns, and (route option `sourceFields: 'all'`) the source's own
 * fields under their own names in `fields` (nested, so a JSON source field called `status`
 * can't collide with the normalized one).
 */
import type { SourceFields } from './options.js';

export type SourceValue = string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

export interface LogRecord {
  /** ISO 8601, UTC, millisecond precision. */
  readonly timestamp: string;
  readonly client: string | null;
  readonly method: string | null;
  /** As sent on the wire (still percent-encoded), without the query string. */
  readonly path: string | null;
  readonly status: number | null;
  readonly bytes: number | null;
  readonly latencyMs: number | null;
  readonly userAgent: string | null;
  /** Absent with `sourceFields: 'none'`. */
  readonly fields?: Readonly<Record<string, SourceValue>>;
}

export type NormalizedColumns = Omit<LogRecord, 'fields'>;

/** The record as the route's `sourceFields` wants it; `fields` is only built when kept. */
export const logRecord = (columns: NormalizedColumns, sourceFields: SourceFields, fields: () => Readonly<Record<string, SourceValue>>): LogRecord =>
  sourceFields === 'all' ? { ...columns, fields: fields() } : columns;

/** A line that can't be used: the reason has the form `place: rule, value given`. */
export interface LineRejection {
  readonly reason: string;
}

export type LineResult = LogRecord | LineRejection | undefined;

export const isRejection = (result: LineResult): result is LineRejection => result !== undefined && 'reason' in result;

/** A field conversion that failed. */
export const isFailed = (value: number | string | null | LineRejection): value is LineRejection => value !== null && typeof value === 'object';

/** Values in reasons are cut at 100 characters, so a reason stays one readable line. */
export const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 100 ? `${text.slice(0, 100)}…` : text}'`;
};

export const rejection = (place: string, rule: string, value: unknown): LineRejection => ({ reason: `${place}: ${rule}, ${shown(value)} given` });

/** `-` is how ALB and CloudFront write a missing value. */
export const orNull = (value: string | undefined): string | null => (value === undefined || value === '-' || value === '' ? null : value);

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 date-time with a zone → UTC `toISOString()`, or undefined. */
export const isoTimestamp = (text: string): string | undefined => {
  if (!ISO_WITH_ZONE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** A non-negative integer written in decimal, or undefined. */
export const decimalInteger = (text: string): number | undefined => {
  if (text.length === 0 || text.length > 15) return undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  return Number(text);
};

/** HTTP status 0–999: CloudFront writes `000` when the viewer closed the connection first. */
export const statusOf = (text: string | null, place: string): number | null | LineRejection => {
  if (text === null) return null;
  const status = decimalInteger(text);
  return status === undefined || text.length !== 3 ? rejection(place, "must be a 3-digit HTTP status or '-'", text) : status;
};

export const bytesOf = (text: string | null, place: string): number | null | LineRejection => {
  if (text === null) return null;
  const bytes = decimalInteger(text);
  return bytes === undefined ? rejection(place, "must be a non-negative integer or '-'", text) : bytes;
};

/** Seconds as text (`0.000`) → milliseconds, rounded to µs; negative (ALB's -1: no response) → null. */
export const secondsToMs = (text: string | null, place: string): number | null | LineRejection => {
  if (text === null) return null;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds)) return rejection(place, 'must be a number of seconds', text);
  return seconds < 0 ? null : Math.round(seconds * 1e6) / 1e3;
};

/** The path of a request target: `https://host:443/a/b?x=1` or `/a/b?x=1` → `/a/b`. */
export const pathOfTarget = (target: string): string => {
  let start = 0;
  const scheme = target.indexOf('://');
  if (scheme !== -1 && scheme < 10) {
    const slash = target.indexOf('/', scheme + 3);
    if (slash === -1) return '/';
    start = slash;
  }
  const query = target.indexOf('?', start);
  return query === -1 ? target.slice(start) : target.slice(start, query);
};

/** `decodeURIComponent` that keeps the text as given when it is not valid percent-encoding. */
export const urlDecoded = (text: string): string => {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};
