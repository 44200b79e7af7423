/**
 * Readers for a route's `options`, shared by the processors. A bad option is a deployment
 * mistake, not a bad file, so it raises `ConfigError` (never a rejection of the user's object).
 * Unknown keys fail too, so a typo like `maxRow` can't silently leave the default in force.
 */
import { ConfigError } from '../errors.js';

export type RawOptions = Readonly<Record<string, unknown>>;

const shown = (value: unknown): string => `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;

export class OptionReader {
  constructor(
    private readonly processor: string,
    private readonly raw: RawOptions,
    known: readonly string[],
  ) {
    const unknown = Object.keys(raw).filter((key) => !known.includes(key));
    if (unknown.length > 0) throw this.error(unknown.join(', '), `must be one of ${known.join(', ')}`, unknown.join(', '));
  }

  /** @example reader.number('maxRejectRatio', 0, { min: 0, max: 1 }) */
  number(name: string, fallback: number, range: { min: number; max: number; integer?: boolean }): number {
    const value = this.raw[name] ?? fallback;
    const ok = typeof value === 'number' && value >= range.min && value <= range.max && (range.integer !== true || Number.isInteger(value));
    if (!ok) throw this.error(name, `must be ${range.integer === true ? 'an integer' : 'a number'} between ${range.min} and ${range.max}`, value);
    return value;
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    return this.number(name, fallback, { min, max, integer: true });
  }

  string<T extends string>(name: string, fallback: T | undefined, accept: (value: string) => value is T, rule: string): T {
    const value = this.raw[name] ?? fallback;
    if (typeof value !== 'string' || !accept(value)) throw this.error(name, rule, value);
    return value;
  }

  integers(name: string, fallback: readonly number[], min: number, max: number): readonly number[] {
    const value = this.raw[name] ?? fallback;
    const inRange = (item: unknown): item is number => typeof item === 'number' && Number.isInteger(item) && item >= min && item <= max;
    if (!Array.isArray(value) || value.length === 0 || !value.every(inRange) || new Set(value).size !== value.length) {
      throw this.error(name, `must be a non-empty list of distinct integers between ${min} and ${max}`, value);
    }
    return value;
  }

  private error(name: string, rule: string, value: unknown): ConfigError {
    return new ConfigError(`${this.processor} options.${name}: ${rule}, ${shown(value)} given`);
  }
}

/**
 * gzip inputs: the most a body may inflate, as a multiple of its size. Apache POI refuses ZIP
 * entries past 100 × for the same reason; real CSVs and logs gzip 3–20 × (the benchmark's: 3–5 ×
 * and 18 ×), a file of blank lines ~1000 ×.
 */
export const MAX_COMPRESSION_RATIO = 100;

export const compressions = ['gzip', 'zstd'] as const;
export type Compression = (typeof compressions)[number];

/** The output options every NDJSON route takes. */
export const compressionDefaults = {
  /** `gzip` (every tool reads it: Athena, Glue, Spark) or `zstd` (less CPU, smaller; Athena, Spark and DuckDB read it). */
  compression: 'gzip',
  /** zlib level of gzip outputs: on the orders bench, level 6 took the ETL from 32 to 22 MB/s for an 18% smaller file. */
  gzipLevel: 1,
  /** zstd level of zstd outputs. */
  zstdLevel: 1,
} as const;

export interface CompressionOptions {
  readonly compression: Compression;
  readonly gzipLevel: number;
  readonly zstdLevel: number;
}

const isCompression = (value: string): value is Compression => (compressions as readonly string[]).includes(value);

/** @example readCompressionOptions(read).compression === 'gzip' */
export const readCompressionOptions = (read: OptionReader): CompressionOptions => ({
  compression: read.string('compression', compressionDefaults.compression, isCompression, `must be one of ${compressions.join(', ')}`),
  gzipLevel: read.integer('gzipLevel', compressionDefaults.gzipLevel, 1, 9),
  zstdLevel: read.integer('zstdLevel', compressionDefaults.zstdLevel, 1, 19),
});

/** Parses options once per options object: routes are static, so this is once per cold start. */
export const memoizeOptions = <T>(parse: (raw: RawOptions) => T): ((raw: RawOptions) => T) => {
  const cache = new WeakMap<RawOptions, T>();
  return (raw) => {
    let parsed = cache.get(raw);
    if (parsed === undefined) {
      parsed = parse(raw);
      cache.set(raw, parsed);
    }
    return parsed;
  };
};
