/**
 * CloudFront standard logs (legacy): tab-separated, `#Version:` and `#Fields:` header lines, the
 * latter naming the columns. A file may carry a new `#Fields:` line part-way (a field list
 * change); columns are looked up by name from the latest one. Until the first `#Fields:`, the
 * documented list of 33 fields is assumed. Values are URL-encoded; `-` is a missing value.
 */
import type { SourceFields } from './options.js';
import {
  bytesOf,
  isFailed,
  isoTimestamp,
  type LineResult,
  logRecord,
  orNull,
  rejection,
  secondsToMs,
  type SourceValue,
  statusOf,
  urlDecoded,
} from './record.js';

/** "Standard log file fields", Amazon CloudFront developer guide. */
export const CLOUDFRONT_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'cs(Cookie)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
] as const;

const FIELDS_HEADER = '#Fields:';

/** Where each normalized column is in the current field list (-1: not logged). */
interface Columns {
  readonly names: readonly string[];
  readonly at: (name: string) => number;
}

const columnsOf = (names: readonly string[]): Columns => {
  const positions = new Map(names.map((name, i) => [name, i]));
  return { names, at: (name) => positions.get(name) ?? -1 };
};

export class CloudFrontParser {
  private columns = columnsOf(CLOUDFRONT_FIELDS);

  constructor(private readonly sourceFields: SourceFields = 'all') {}

  /**
   * One line → a record, `undefined` for a header line, or the reason it is rejected.
   * @example parser.parse('#Fields: date time c-ip'); parser.parse('2026-11-02\t10:00:00\t::1')
   */
  parse(line: string): LineResult {
    if (line.startsWith('#')) {
      if (line.startsWith(FIELDS_HEADER)) this.columns = columnsOf(line.slice(FIELDS_HEADER.length).trim().split(/\s+/));
      return undefined;
    }
    const values = line.split('\t');
    const { names } = this.columns;
    if (values.length < names.length) return rejection('line', `must have ${names.length} tab-separated fields like #Fields`, `${values.length} fields`);
    return this.record(values);
  }

  private value(values: readonly string[], name: string): string | null {
    const at = this.columns.at(name);
    return at === -1 ? null : orNull(values[at]);
  }

  private record(values: readonly string[]): LineResult {
    const date = this.value(values, 'date') ?? '';
    const time = this.value(values, 'time') ?? '';
    const timestamp = isoTimestamp(`${date}T${time}Z`);
    if (timestamp === undefined) return rejection('date, time', 'must be a UTC date YYYY-MM-DD and time HH:MM:SS', `${date} ${time}`);
    const status = statusOf(this.value(values, 'sc-status'), 'sc-status');
    if (isFailed(status)) return status;
    const bytes = bytesOf(this.value(values, 'sc-bytes'), 'sc-bytes');
    if (isFailed(bytes)) return bytes;
    const latencyMs = secondsToMs(this.value(values, 'time-taken'), 'time-taken');
    if (isFailed(latencyMs)) return latencyMs;
    const userAgent = this.value(values, 'cs(User-Agent)');
    const columns = {
      timestamp,
      client: this.value(values, 'c-ip'),
      method: this.value(values, 'cs-method'),
      path: this.value(values, 'cs-uri-stem'),
      status,
      bytes,
      latencyMs,
      userAgent: userAgent === null ? null : urlDecoded(userAgent),
    };
    return logRecord(columns, this.sourceFields, () => this.namedFields(values));
  }

  private namedFields(values: readonly string[]): Record<string, SourceValue> {
    const named: Record<string, SourceValue> = {};
    this.columns.names.forEach((name, i) => {
      named[name] = orNull(values[i]);
    });
    return named;
  }
}
