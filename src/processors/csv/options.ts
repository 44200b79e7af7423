/** The `csv-to-ndjson` route options, their defaults and their checks. */
import { isSchemaName, type SchemaName, schemaNames, schemas } from '../schemas/index.js';
import type { Schema } from '../schemas/types.js';
import { DEFAULT_MAX_REJECTED } from '../ndjsonBatches.js';
import { type CompressionOptions, compressionDefaults, MAX_COMPRESSION_RATIO, memoizeOptions, OptionReader, readCompressionOptions } from '../options.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Every cap has a default, so an unconfigured route can never exhaust memory or time. */
const csvDefaults = {
  delimiter: ',',
  /** 0 means any bad row rejects the file. */
  maxRejectRatio: 0,
  /** Bad rows written to rejects before the whole file is rejected, whatever the ratio allows. */
  maxRejectedRows: DEFAULT_MAX_REJECTED,
  /** Bytes after gunzip: a 10 MB .gz can inflate to terabytes. */
  maxDecompressedBytes: 8 * GiB,
  /** gzip inputs: inflating more than this many times the compressed size rejects the file (decompression bombs). */
  maxCompressionRatio: MAX_COMPRESSION_RATIO,
  maxRows: 50_000_000,
  /** In characters; a record is parsed whole, so this bounds memory per record. */
  maxRecordLength: 1 * MiB,
  maxFieldLength: 64 * 1024,
  ...compressionDefaults,
  /** A row with invalid UTF-8 is rejected; `replace` keeps it with U+FFFD, as before issue 11. */
  invalidUtf8: 'reject',
  /** A row with a NUL byte is rejected; `keep` writes it as `\u0000`. */
  nulBytes: 'reject',
} as const;

export interface CsvOptions extends CompressionOptions {
  readonly schema: Schema;
  readonly delimiter: string;
  readonly maxRejectRatio: number;
  readonly maxRejectedRows: number;
  readonly maxDecompressedBytes: number;
  readonly maxCompressionRatio: number;
  readonly maxRows: number;
  readonly maxRecordLength: number;
  readonly maxFieldLength: number;
  readonly invalidUtf8: 'reject' | 'replace';
  readonly nulBytes: 'reject' | 'keep';
}

/** What a route writes in `options` (`src/config/routes.ts`): a schema by name, any cap left to its default. */
export type CsvRouteOptions = { readonly schema: SchemaName } & Partial<Omit<CsvOptions, 'schema'>>;

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: string): value is T =>
    (values as readonly string[]).includes(value);

const isDelimiter = (value: string): value is string => value.length === 1 && !'"\r\n'.includes(value);

/** @example parseCsvOptions({ schema: 'orders', maxRejectRatio: 0.1 }).schema.name === 'orders' */
export const parseCsvOptions = memoizeOptions((raw): CsvOptions => {
  const read = new OptionReader('csv-to-ndjson', raw, ['schema', ...Object.keys(csvDefaults)]);
  const name = read.string('schema', undefined, isSchemaName, `must be one of ${schemaNames.join(', ')}`);
  const maxRecordLength = read.integer('maxRecordLength', csvDefaults.maxRecordLength, 1, 512 * MiB);
  return {
    schema: schemas[name],
    delimiter: read.string('delimiter', csvDefaults.delimiter, isDelimiter, `must be one character other than '"', CR and LF`),
    maxRejectRatio: read.number('maxRejectRatio', csvDefaults.maxRejectRatio, { min: 0, max: 1 }),
    maxRejectedRows: read.integer('maxRejectedRows', csvDefaults.maxRejectedRows, 0),
    maxDecompressedBytes: read.integer('maxDecompressedBytes', csvDefaults.maxDecompressedBytes, 1),
    maxCompressionRatio: read.number('maxCompressionRatio', csvDefaults.maxCompressionRatio, { min: 1, max: 1_000_000 }),
    maxRows: read.integer('maxRows', csvDefaults.maxRows, 0),
    maxRecordLength,
    maxFieldLength: read.integer('maxFieldLength', csvDefaults.maxFieldLength, 1, maxRecordLength),
    ...readCompressionOptions(read),
    invalidUtf8: read.string('invalidUtf8', csvDefaults.invalidUtf8, oneOf(['reject', 'replace'] as const), 'must be one of reject, replace'),
    nulBytes: read.string('nulBytes', csvDefaults.nulBytes, oneOf(['reject', 'keep'] as const), 'must be one of reject, keep'),
  };
});
