/**
 * Application Load Balancer access logs: one request per line, fields separated by one space,
 * text fields in double quotes (`\"` inside them), `-` for a missing value. Field names and
 * order are AWS's ("Access log entries", Elastic Load Balancing user guide); ALB appends new
 * fields at the end over time, so fields past the known ones are kept as `field_<n>`.
 */
import type { SourceFields } from './options.js';
import {
  bytesOf,
  isFailed,
  isoTimestamp,
  type LineResult,
  type LineRejection,
  logRecord,
  orNull,
  pathOfTarget,
  rejection,
  secondsToMs,
  type SourceValue,
  statusOf,
} from './record.js';

export const ALB_FIELDS = [
  'type',
  'time',
  'elb',
  'client:port',
  'target:port',
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
  'request',
  'user_agent',
  'ssl_cipher',
  'ssl_protocol',
  'target_group_arn',
  'trace_id',
  'domain_name',
  'chosen_cert_arn',
  'matched_rule_priority',
  'request_creation_time',
  'actions_executed',
  'redirect_url',
  'error_reason',
  'target:port_list',
  'target_status_code_list',
  'classification',
  'classification_reason',
  'conn_trace_id',
  'transformed_host',
  'transformed_uri',
  'request_transform_status',
] as const;

/** Up to `user_agent`: ALB logs from before the later fields were added still parse. */
const MIN_FIELDS = 14;
const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The end of a quoted field starting at `start` (its opening quote), or -1 when unterminated.
 * `indexOf` finds each candidate natively; a quote after an odd run of backslashes is escaped.
 * Each backslash run is counted once, by the quote that ends it, so this stays linear.
 */
const closingQuote = (line: string, start: number): number => {
  for (let quote = line.indexOf('"', start + 1); quote !== -1; quote = line.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (line.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
};

const unescaped = (text: string): string => (text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text);

/**
 * Splits one line into its fields, quotes removed; a string is the reason it can't be split.
 * @example splitAlbLine('h2 "GET / HTTP/2" -') // ['h2', 'GET / HTTP/2', '-']
 */
export const splitAlbLine = (line: string): string[] | LineRejection => {
  const fields: string[] = [];
  let pos = 0;
  while (pos <= line.length) {
    if (line.charCodeAt(pos) === QUOTE) {
      const end = closingQuote(line, pos);
      if (end === -1) return rejection(`field ${fields.length + 1}`, 'must end its opening quote', line.slice(pos));
      fields.push(unescaped(line.slice(pos + 1, end)));
      if (end + 1 < line.length && line.charCodeAt(end + 1) !== SPACE) {
        return rejection(`field ${fields.length}`, 'must be followed by a space after its closing quote', line.slice(pos));
      }
      pos = end + 2;
      continue;
    }
    let space = line.indexOf(' ', pos);
    if (space === -1) space = line.length;
    fields.push(line.slice(pos, space));
    pos = space + 1;
  }
  return fields;
};

/** `1.2.3.4:5678` or `[2001:db8::1]:5678` (or bare IPv6 with a port) → the address. */
export const addressOf = (clientPort: string | null): string | null => {
  if (clientPort === null) return null;
  if (clientPort.startsWith('[')) {
    const close = clientPort.indexOf(']');
    return close === -1 ? clientPort : clientPort.slice(1, close);
  }
  const colon = clientPort.lastIndexOf(':');
  return colon === -1 ? clientPort : clientPort.slice(0, colon);
};

/** Sum of the three processing times in ms; null when any is -1 (ALB: no response from the target). */
const latencyOf = (fields: readonly string[]): number | null | LineRejection => {
  let total = 0;
  for (let i = 5; i <= 7; i++) {
    const ms = secondsToMs(orNull(fields[i]), ALB_FIELDS[i] ?? '');
    if (ms === null || isFailed(ms)) return ms;
    total += ms;
  }
  return Math.round(total * 1e3) / 1e3;
};

const namedFields = (fields: readonly string[]): Record<string, SourceValue> => {
  const named: Record<string, SourceValue> = {};
  for (let i = 0; i < fields.length; i++) named[ALB_FIELDS[i] ?? `field_${i + 1}`] = orNull(fields[i]);
  return named;
};

/** `GET https://host:443/p?q HTTP/1.1` → method and path; ALB writes `- - - ` for a request it couldn't parse. */
const requestParts = (request: string): { method: string | null; path: string | null } => {
  const space = request.indexOf(' ');
  if (space === -1) return { method: orNull(request), path: null };
  const end = request.indexOf(' ', space + 1);
  const target = orNull(request.slice(space + 1, end === -1 ? undefined : end));
  return { method: orNull(request.slice(0, space)), path: target === null ? null : pathOfTarget(target) };
};

/**
 * One ALB log line → a normalized record (with its source fields unless `none`), or the reason it is rejected.
 * @example parseAlbLine('h2 2026-11-02T10:00:00.000000Z app/x/1 10.0.0.1:5000 ...')
 */
export const parseAlbLine = (line: string, sourceFields: SourceFields = 'all'): LineResult => {
  const fields = splitAlbLine(line);
  if (!Array.isArray(fields)) return fields;
  if (fields.length < MIN_FIELDS) return rejection('line', `must have at least ${MIN_FIELDS} ALB fields`, `${fields.length} fields`);
  const [type = '', time = '', , clientPort, , , , , elbStatus = '', , , sentBytes = '', request = '', userAgent] = fields;
  if (!ALB_TYPES.has(type)) return rejection('type', `must be one of ${[...ALB_TYPES].join(', ')}`, type);
  const timestamp = isoTimestamp(time);
  if (timestamp === undefined) return rejection('time', 'must be an ISO 8601 time with a zone', time);
  const status = statusOf(orNull(elbStatus), 'elb_status_code');
  const bytes = bytesOf(orNull(sentBytes), 'sent_bytes');
  const latencyMs = latencyOf(fields);
  if (isFailed(status)) return status;
  if (isFailed(bytes)) return bytes;
  if (isFailed(latencyMs)) return latencyMs;
  const { method, path } = requestParts(request);
  const columns = { timestamp, client: addressOf(orNull(clientPort)), method, path, status, bytes, latencyMs, userAgent: orNull(userAgent) };
  return logRecord(columns, sourceFields, () => namedFields(fields));
};
