/**
 * A CSV schema: which header columns a file must have, how each value is checked and
 * converted, and the output row shape (output keys in column order, renamed by `field`).
 * Schemas are plain `as const` data; `compileRowEncoder` (csv/rowEncoder.ts) binds one to a
 * file's header as a fast row encoder.
 */

interface ColumnBase {
  /** The header name in the CSV file. */
  readonly name: string;
  /** The key in the output row; defaults to `name`. */
  readonly field?: string;
  /** An empty value rejects the row when required, and becomes `null` otherwise. */
  readonly required?: boolean;
}

export type Column = ColumnBase &
  (
    | { readonly type: 'string'; readonly maxLength?: number; readonly pattern?: RegExp }
    | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
    /** Kept as exact decimal text in the JSON (never a binary float), so money stays exact. */
    | { readonly type: 'decimal'; readonly scale?: number; readonly min?: number; readonly max?: number }
    /** `YYYY-MM-DD`, checked to be a real calendar date. */
    | { readonly type: 'date' }
    /** ISO 8601 with a time zone; output normalized to UTC `toISOString()`. */
    | { readonly type: 'datetime' }
    | { readonly type: 'boolean' }
    | { readonly type: 'enum'; readonly values: readonly string[] }
  );

export interface Schema {
  readonly name: string;
  readonly columns: readonly Column[];
}
