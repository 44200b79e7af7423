/**
 * Value converters: CSV text in, JSON text out (or why the value is invalid).
 * They return JSON *text* so a row is encoded by concatenation, with no intermediate object
 * and no `JSON.stringify` of the whole row — the ETL's throughput goal depends on it.
 */
import type { Column } from './types.js';

export interface Invalid {
  readonly rule: string;
}

/** JSON text for a valid value, `Invalid` otherwise. */
export type Converter = (value: string) => string | Invalid;

// Characters JSON must escape; strings without them are quoted as they are.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const INTEGER = /^[+-]?\d{1,15}$/;
const DECIMAL = /^[+-]?\d{1,30}(?:\.(\d{1,30}))?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const BOOLEANS: Readonly<Record<string, string>> = { true: 'true', false: 'false', '1': 'true', '0': 'false' };

export const jsonString = (value: string): string => (NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`);

const between = (min: number | undefined, max: number | undefined): string =>
  min !== undefined && max !== undefined ? ` between ${min} and ${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';

const outOfRange = (n: number, min: number | undefined, max: number | undefined): boolean => (min !== undefined && n < min) || (max !== undefined && n > max);

const stringConverter = (column: Extract<Column, { type: 'string' }>): Converter => {
  const { maxLength, pattern } = column;
  const rule = `must be a string${maxLength === undefined ? '' : ` of at most ${maxLength} characters`}${pattern === undefined ? '' : ` matching ${String(pattern)}`}`;
  return function convertString(value: string) {
    return (maxLength !== undefined && value.length > maxLength) || (pattern !== undefined && !pattern.test(value)) ? { rule } : jsonString(value);
  };
};

const integerConverter = ({ min, max }: Extract<Column, { type: 'integer' }>): Converter => {
  const invalid = { rule: `must be an integer${between(min, max)}` };
  return function convertInteger(value: string) {
    if (!INTEGER.test(value)) return invalid;
    const n = Number(value);
    return outOfRange(n, min, max) ? invalid : String(n);
  };
};

/** Leading zeros and '+' are not JSON; strip them, keeping the digits exact. */
const normalizeDecimal = (value: string): string => value.replace(/^\+/, '').replace(/^(-?)0+(?=\d)/, '$1');

const decimalConverter = ({ scale, min, max }: Extract<Column, { type: 'decimal' }>): Converter => {
  const invalid = { rule: `must be a decimal number${scale === undefined ? '' : ` with at most ${scale} decimals`}${between(min, max)}` };
  return function convertDecimal(value: string) {
    const match = DECIMAL.exec(value);
    if (match === null || (scale !== undefined && (match[1]?.length ?? 0) > scale)) return invalid;
    if (outOfRange(Number(value), min, max)) return invalid;
    const first = value.charCodeAt(0);
    // Only '+', '0' and '-' can start a form that needs normalizing.
    return first === 43 || first === 48 || first === 45 ? normalizeDecimal(value) : value;
  };
};

const digit = (value: string, at: number): number => value.charCodeAt(at) - 48;
const twoDigits = (value: string, at: number): number => digit(value, at) * 10 + digit(value, at + 1);

/**
 * Whether `value` starts with a real `YYYY-MM-DD` date. Hand-rolled: a `Date` per value
 * was the ETL's largest cost in profiles (dates are in most rows).
 */
const isCalendarDate = (value: string): boolean => {
  for (const at of [0, 1, 2, 3, 5, 6, 8, 9]) if (!(digit(value, at) >= 0 && digit(value, at) <= 9)) return false;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
};

const dateConverter = (): Converter => {
  const invalid = { rule: 'must be a calendar date YYYY-MM-DD' };
  return function convertDate(value: string) {
    return value.length === 10 && isCalendarDate(value) ? `"${value}"` : invalid;
  };
};

/** `YYYY-MM-DDTHH:MM:SSZ` or with `.sss`: already what `toISOString` gives, once checked. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?Z$/;

const datetimeConverter = (): Converter => {
  const invalid = { rule: 'must be an ISO 8601 date-time with a time zone' };
  return function convertDatetime(value: string) {
    if (CANONICAL_UTC.test(value) && isCalendarDate(value)) return value.length === 20 ? `"${value.slice(0, 19)}.000Z"` : `"${value}"`;
    const time = DATETIME.test(value) && isCalendarDate(value) ? Date.parse(value) : Number.NaN;
    return Number.isNaN(time) ? invalid : `"${new Date(time).toISOString()}"`;
  };
};

const booleanConverter = (): Converter => {
  const invalid = { rule: 'must be one of true, false, 1, 0' };
  return function convertBoolean(value: string) {
    return BOOLEANS[value.toLowerCase()] ?? invalid;
  };
};

const enumConverter = ({ values }: Extract<Column, { type: 'enum' }>): Converter => {
  const json = new Map(values.map((value) => [value, jsonString(value)]));
  const invalid = { rule: `must be one of ${values.join(', ')}` };
  return function convertEnum(value: string) {
    return json.get(value) ?? invalid;
  };
};

const byType = (column: Column): Converter => {
  switch (column.type) {
    case 'string':
      return stringConverter(column);
    case 'integer':
      return integerConverter(column);
    case 'decimal':
      return decimalConverter(column);
    case 'date':
      return dateConverter();
    case 'datetime':
      return datetimeConverter();
    case 'boolean':
      return booleanConverter();
    case 'enum':
      return enumConverter(column);
  }
};

/** The column's converter, with the required/null rule for empty values in front. */
export const converterFor = (column: Column): Converter => {
  const convert = byType(column);
  const required = { rule: 'is required' };
  const empty = column.required === true ? required : 'null';
  return function convertColumn(value: string) {
    return value === '' ? empty : convert(value);
  };
};
