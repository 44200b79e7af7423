/**
 * The schemas a CSV route may name in `options.schema`.
 * To add one: write `schemas/<name>.ts` exporting a `Schema` and add it to this table.
 */
import { orders } from './orders.js';
import type { Schema } from './types.js';

export const schemas = { orders } as const satisfies Record<string, Schema>;

export type SchemaName = keyof typeof schemas;

export const schemaNames = Object.keys(schemas) as readonly SchemaName[];

export const isSchemaName = (name: unknown): name is SchemaName => typeof name === 'string' && Object.hasOwn(schemas, name);
