/**
 * Binds a schema to a file's header and encodes each record as one NDJSON line: from bytes
 * (`compileByteRowEncoder`, the fast path) or from strings (`compileRowEncoder`, which also
 * gives the reason a row is bad). Header problems reject the whole file; a bad value rejects
 * only its row.
 */
import { RejectionError } from '../../errors.js';
import { converterFor, jsonString } from '../schemas/convert.js';
import type { Schema } from '../schemas/types.js';
import { byteConverterFor } from './byteConverters.js';
import type { ByteOutput } from './byteOutput.js';
import type { CsvRecord } from './record.js';

/** An NDJSON line (with its `\n`), or why the row is rejected. */
export type EncodedRow = string | { readonly reason: string };

export type RowEncoder = (fields: readonly string[]) => EncodedRow;

/** How a value appears in a reason: quoted, and short enough for a log line. */
const quoteValue = (value: string): string => `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;

const columnIndexes = (schema: Schema, header: readonly string[]): number[] => {
  const names = header.map((name) => name.trim());
  const seen = new Set<string>();
  // A Set, not indexOf per name: a 10,000-column header must not take quadratic time.
  const duplicate = names.find((name) => {
    if (name === '') return false;
    if (seen.has(name)) return true;
    seen.add(name);
    return false;
  });
  if (duplicate !== undefined) throw new RejectionError(`csv header: column names must be unique, '${duplicate}' given twice`);
  const missing = schema.columns.filter((column) => column.required === true && !names.includes(column.name)).map((column) => column.name);
  if (missing.length > 0) {
    throw new RejectionError(`csv header: must contain the ${schema.name} columns ${missing.join(', ')}, '${names.join(',')}' given`);
  }
  return schema.columns.map((column) => names.indexOf(column.name));
};

/**
 * Writes a record's NDJSON line into `out` and returns true, or returns false (with `out`
 * unchanged) when a value is invalid: the string encoder then gives the reason. The caller
 * checks the field count, that the record is valid UTF-8, and reserves room (see `worstCase`).
 */
export type ByteRowEncoder = (record: CsvRecord, out: ByteOutput) => boolean;

export const compileByteRowEncoder = (schema: Schema, header: readonly string[]): { encode: ByteRowEncoder; worstCase: (bytes: number) => number } => {
  const indexes = columnIndexes(schema, header);
  const columns = schema.columns.map((column, i) => {
    const convert = converterFor(column);
    const empty = convert('');
    return {
      index: indexes[i] ?? -1,
      prefix: Buffer.from(`${i === 0 ? '{' : ','}${jsonString(column.field ?? column.name)}:`),
      fromBytes: byteConverterFor(column),
      convert,
      empty: typeof empty === 'string' ? Buffer.from(empty) : undefined,
    };
  });
  const fixed = columns.reduce((sum, column) => sum + column.prefix.length + 16, 2);
  const encode: ByteRowEncoder = (record, out) => {
    const rowStart = out.pos;
    const { bytes, starts, ends, complex, tailStarts, tailEnds, ascii } = record;
    for (const column of columns) {
      out.bytes(column.prefix, 0, column.prefix.length);
      const i = column.index;
      const start = starts[i] ?? 0;
      const end = ends[i] ?? 0;
      if (i === -1 || (start === end && complex[i] === 0)) {
        if (column.empty !== undefined) {
          out.bytes(column.empty, 0, column.empty.length);
          continue;
        }
      } else if (complex[i] === 0) {
        if (column.fromBytes(bytes, start, end, out, ascii, false)) continue;
      } else if (tailStarts[i] === tailEnds[i] && column.fromBytes(bytes, start, end, out, ascii, true)) {
        continue; // `""` inside the quotes; text after the closing quote (lenient) takes the string path
      }
      // The string converter decides what the byte one could not.
      const json = i === -1 ? undefined : column.convert(record.text(i));
      if (typeof json !== 'string') {
        out.pos = rowStart;
        return false;
      }
      out.text(json);
    }
    out.byte(0x7d); // }
    out.byte(0x0a); // \n
    return true;
  };
  // JSON escapes take at most 6 bytes per input byte (`\u0000`).
  return { encode, worstCase: (recordBytes) => fixed + 6 * recordBytes };
};

/** @example const encode = compileRowEncoder(orders, ['order_id', ...]); encode(['A-1', ...]) */
export const compileRowEncoder = (schema: Schema, header: readonly string[]): RowEncoder => {
  const indexes = columnIndexes(schema, header);
  const width = header.length;
  const columns = schema.columns.map((column, i) => ({
    index: indexes[i] ?? -1,
    convert: converterFor(column),
    prefix: `${i === 0 ? '{' : ','}${jsonString(column.field ?? column.name)}:`,
    name: column.name,
  }));
  return (fields) => {
    if (fields.length !== width) return { reason: `row: must have ${width} fields like the header, ${fields.length} given` };
    let line = '';
    for (const column of columns) {
      // An optional column absent from the header is null in every row.
      const value = column.index === -1 ? '' : (fields[column.index] ?? '');
      const json = column.convert(value);
      if (typeof json !== 'string') return { reason: `${column.name}: ${json.rule}, ${quoteValue(value)} given` };
      line += column.prefix + json;
    }
    return `${line}}\n`;
  };
};
