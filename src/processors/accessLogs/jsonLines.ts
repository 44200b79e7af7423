/**
 * JSON lines: one object per line; the route's options name the fields that map to the
 * normalized record (`timestampField`, `statusField`, …). The timestamp is required: an ISO 8601
 * string with a zone, or a number of epoch milliseconds. The other fields may be missing.
 */
import type { JsonFieldNames, LatencyUnit, SourceFields } from './options.js';
import { isFailed, isoTimestamp, type LineRejection, type LineResult, logRecord, pathOfTarget, rejection, type SourceValue } from './record.js';

type JsonObject = Readonly<Record<string, SourceValue>>;

const MAX_EPOCH_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const timestampOf = (value: SourceValue | undefined, place: string): string | LineRejection => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH_MS) return new Date(value).toISOString();
  const iso = typeof value === 'string' ? isoTimestamp(value) : undefined;
  return iso ?? rejection(place, 'must be an ISO 8601 time with a zone or epoch milliseconds', value ?? null);
};

/** A number, a numeric string, or missing/null; anything else rejects the line. */
const numberOf = (value: SourceValue | undefined, place: string, check: (n: number) => boolean, rule: string): number | null | LineRejection => {
  if (value === undefined || value === null || value === '-' || value === '') return null;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(number) && check(number) ? number : rejection(place, rule, value);
};

const textOf = (value: SourceValue | undefined): string | null =>
  value === undefined || value === null || value === '-' ? null : typeof value === 'string' ? value : JSON.stringify(value);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Wrapped, so an object with its own `reason` field is not taken for a rejection. */
const parseObject = (line: string): { readonly object: JsonObject } | LineRejection => {
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) ? { object: value } : rejection('line', 'must be a JSON object', line);
  } catch (error: unknown) {
    return rejection('line', `must be valid JSON (${error instanceof Error ? error.message : String(error)})`, line);
  }
};

const isStatus = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 999;
const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;
const isDuration = (n: number): boolean => n >= 0;

const toRecord = (object: JsonObject, names: JsonFieldNames, latencyUnit: LatencyUnit, sourceFields: SourceFields): LineResult => {
  const timestamp = timestampOf(object[names.timestamp], names.timestamp);
  if (typeof timestamp !== 'string') return timestamp;
  const status = numberOf(object[names.status], names.status, isStatus, 'must be an HTTP status 0–999');
  if (isFailed(status)) return status;
  const bytes = numberOf(object[names.bytes], names.bytes, isCount, 'must be a non-negative integer');
  if (isFailed(bytes)) return bytes;
  const latency = numberOf(object[names.latency], names.latency, isDuration, `must be a non-negative number of ${latencyUnit}`);
  if (isFailed(latency)) return latency;
  const path = textOf(object[names.path]);
  const columns = {
    timestamp,
    client: textOf(object[names.client]),
    method: textOf(object[names.method]),
    path: path === null ? null : pathOfTarget(path),
    status,
    bytes,
    latencyMs: latency === null || latencyUnit === 'ms' ? latency : Math.round(latency * 1e6) / 1e3,
    userAgent: textOf(object[names.userAgent]),
  };
  return logRecord(columns, sourceFields, () => object);
};

/**
 * Returns the parser for JSON lines with the given field names.
 * @example jsonLineParser(names, 'ms')('{"timestamp":"2026-11-02T10:00:00Z","status":200}')
 */
export const jsonLineParser =
  (names: JsonFieldNames, latencyUnit: LatencyUnit, sourceFields: SourceFields = 'all') =>
  (line: string): LineResult => {
    const parsed = parseObject(line);
    return 'reason' in parsed ? parsed : toRecord(parsed.object, names, latencyUnit, sourceFields);
  };
