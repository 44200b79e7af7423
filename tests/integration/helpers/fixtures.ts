/**
 * Notification bodies captured from LocalStack, kept in tests/fixtures/localstack/ so unit tests
 * parse what S3 (as LocalStack emulates it) really sends. `UPDATE_LOCALSTACK_FIXTURES=1` rewrites
 * them from a fresh capture; otherwise the integration test checks they still match.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/localstack/', import.meta.url));

/** The key captured in `object-created-put.json`: a space, a `+` and non-ASCII letters. */
export const FIXTURE_KEY = 'incoming/orders/fixture/ä b+c.csv';

export const FIXTURES = { objectCreated: 'object-created-put.json', testEvent: 's3-test-event.json' } as const;

export const updating = process.env.UPDATE_LOCALSTACK_FIXTURES === '1';

export const readFixture = async (name: string): Promise<unknown> => JSON.parse(await readFile(`${FIXTURE_DIR}${name}`, 'utf8')) as unknown;

export const writeFixture = (name: string, body: string): Promise<void> => writeFile(`${FIXTURE_DIR}${name}`, `${JSON.stringify(JSON.parse(body), null, 2)}\n`);

/** The shape of a JSON value: its keys, recursively, with leaf values replaced by their type. */
export const shapeOf = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, inner]) => [key, shapeOf(inner)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  return typeof value;
};
