/** The `access-logs` route options, their defaults and their checks. */
import { DEFAULT_MAX_REJECTED } from '../ndjsonBatches.js';
import { type CompressionOptions, compressionDefaults, MAX_COMPRESSION_RATIO, memoizeOptions, OptionReader, readCompressionOptions } from '../options.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export const logFormats = ['auto', 'alb', 'cloudfront', 'jsonl'] as const;
export type LogFormat = (typeof logFormats)[number];

const latencyUnits = ['ms', 's'] as const;
export type LatencyUnit = (typeof latencyUnits)[number];

const sourceFieldChoices = ['all', 'none'] as const;
/** `all`: each record also carries the source's fields under their own names; `none`: the normalized columns only. */
export type SourceFields = (typeof sourceFieldChoices)[number];

/** Every cap has a default, so an unconfigured route can never exhaust memory or time. */
const accessLogDefaults = {
  format: 'auto',
  /** 0 means any bad line rejects the file, as for CSV. */
  maxRejectRatio: 0,
  /** Bad lines written to rejects before the file is rejected instead (hostile input). */
  maxRejectedLines: DEFAULT_MAX_REJECTED,
  /** Bytes after gunzip: a 10 MB .gz can inflate to terabytes. */
  maxDecompressedBytes: 8 * GiB,
  /** gzip inputs: inflating more than this many times the compressed size rejects the file (decompression bombs). */
  maxCompressionRatio: MAX_COMPRESSION_RATIO,
  maxLines: 50_000_000,
  /** In characters; a line is parsed whole, so this bounds memory per line. ALB lines are ~0.5–2 KiB. */
  maxLineLength: 64 * 1024,
  /** Entries of the heavy-hitters tables: counts are exact for any key above 1/capacity of the lines. */
  topCapacity: 1000,
  ...compressionDefaults,
  /** `none` writes 7 × fewer bytes (ALB) for half the CPU per GB; `all` keeps every source field for queries. */
  sourceFields: 'all',
  /** JSON lines: the names of the fields that map to the normalized record. */
  timestampField: 'timestamp',
  statusField: 'status',
  latencyField: 'latency',
  latencyUnit: 'ms',
  pathField: 'path',
  bytesField: 'bytes',
  clientField: 'client',
  methodField: 'method',
  userAgentField: 'userAgent',
} as const;

export interface JsonFieldNames {
  readonly timestamp: string;
  readonly status: string;
  readonly latency: string;
  readonly path: string;
  readonly bytes: string;
  readonly client: string;
  readonly method: string;
  readonly userAgent: string;
}

export interface AccessLogOptions extends CompressionOptions {
  readonly format: LogFormat;
  readonly maxRejectRatio: number;
  readonly maxRejectedLines: number;
  readonly maxDecompressedBytes: number;
  readonly maxCompressionRatio: number;
  readonly maxLines: number;
  readonly maxLineLength: number;
  readonly topCapacity: number;
  readonly sourceFields: SourceFields;
  readonly json: JsonFieldNames;
  readonly latencyUnit: LatencyUnit;
}

/** What a route writes in `options`: anything left out takes its default. */
export type AccessLogRouteOptions = Partial<Omit<AccessLogOptions, 'json'>> & { readonly [K in `${keyof JsonFieldNames}Field`]?: string };

const isFormat = (value: string): value is LogFormat => (logFormats as readonly string[]).includes(value);
const isUnit = (value: string): value is LatencyUnit => (latencyUnits as readonly string[]).includes(value);
const isSourceFields = (value: string): value is SourceFields => (sourceFieldChoices as readonly string[]).includes(value);
const isFieldName = (value: string): value is string => value.length > 0 && value.length <= 256;

const jsonFieldNames = (read: OptionReader): JsonFieldNames => {
  const field = (name: keyof typeof accessLogDefaults & `${string}Field`): string =>
    read.string(name, String(accessLogDefaults[name]), isFieldName, 'must be a field name of 1 to 256 characters');
  return {
    timestamp: field('timestampField'),
    status: field('statusField'),
    latency: field('latencyField'),
    path: field('pathField'),
    bytes: field('bytesField'),
    client: field('clientField'),
    method: field('methodField'),
    userAgent: field('userAgentField'),
  };
};

/** @example parseAccessLogOptions({ format: 'alb' }).maxLineLength === 65536 */
export const parseAccessLogOptions = memoizeOptions((raw): AccessLogOptions => {
  const read = new OptionReader('access-logs', raw, Object.keys(accessLogDefaults));
  return {
    format: read.string('format', accessLogDefaults.format, isFormat, `must be one of ${logFormats.join(', ')}`),
    maxRejectRatio: read.number('maxRejectRatio', accessLogDefaults.maxRejectRatio, { min: 0, max: 1 }),
    maxRejectedLines: read.integer('maxRejectedLines', accessLogDefaults.maxRejectedLines, 0),
    maxDecompressedBytes: read.integer('maxDecompressedBytes', accessLogDefaults.maxDecompressedBytes, 1),
    maxCompressionRatio: read.number('maxCompressionRatio', accessLogDefaults.maxCompressionRatio, { min: 1, max: 1_000_000 }),
    maxLines: read.integer('maxLines', accessLogDefaults.maxLines, 0),
    maxLineLength: read.integer('maxLineLength', accessLogDefaults.maxLineLength, 1, 64 * MiB),
    topCapacity: read.integer('topCapacity', accessLogDefaults.topCapacity, 20, 100_000),
    ...readCompressionOptions(read),
    sourceFields: read.string('sourceFields', accessLogDefaults.sourceFields, isSourceFields, `must be one of ${sourceFieldChoices.join(', ')}`),
    json: jsonFieldNames(read),
    latencyUnit: read.string('latencyUnit', accessLogDefaults.latencyUnit, isUnit, `must be one of ${latencyUnits.join(', ')}`),
  };
});
