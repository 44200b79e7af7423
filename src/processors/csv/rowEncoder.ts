/**
 * Binds a schema to a file's header and encodes each record as one NDJSON line.
 * Header problems reject the whole file; a bad value rejects only its row.
 */
import { RejectionError } from '../../errors.js';
import { converterFor, jsonString } from '../schemas/convert.js';
import type { Schema } from '../schemas/types.js';

/** An NDJSON line (with its `\n`), or why the row is rejected. */
export type EncodedRow = string | { readonly reason: string };

export type RowEncoder = (fields: readonly string[]) => EncodedRow;

/** How a value appears in a reason: quoted, and short enough for a log line. */
const quoteValue = (value: string): string => `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;

const columnIndexes = (schema: Schema, header: readonly string[]): number[] => {
  const names = header.map((name) => name.trim());
  const duplicate = names.find((name, index) => name !== '' && names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new RejectionError(`csv header: column names must be unique, '${duplicate}' given twice`);
  const missing = schema.columns.filter((column) => column.required === true && !names.includes(column.name)).map((column) => column.name);
  if (missing.length > 0) {
    throw new RejectionError(`csv header: must contain the ${schema.name} columns ${missing.join(', ')}, '${names.join(',')}' given`);
  }
  return schema.columns.map((column) => names.indexOf(column.name));
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
