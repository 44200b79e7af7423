/** The bundled worker's stacks name the TypeScript sources without `--enable-source-maps`. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'source-maps-'));
const ENTRY = `import { logger } from '${join(process.cwd(), 'src/observability.ts')}';
const fail = (): never => {
  throw new TypeError('from the entry');
};
try {
  fail();
} catch (error) {
  logger.info('ready');
  console.log((error as Error).stack);
}
`;

/** Bundles ENTRY like serverless.ts does (ESM, external source map) and returns its output. */
const run = (withMap: boolean, nodeOptions = ''): string => {
  return execFileSync(process.execPath, [join(dir, withMap ? 'entry.mjs' : 'bare.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: nodeOptions, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
};

beforeAll(async () => {
  writeFileSync(join(dir, 'entry.ts'), ENTRY);
  const options = { bundle: true, platform: 'node', format: 'esm', target: 'node24', logLevel: 'error' } as const;
  await build({ ...options, entryPoints: [join(dir, 'entry.ts')], outfile: join(dir, 'entry.mjs'), sourcemap: true });
  await build({ ...options, entryPoints: [join(dir, 'entry.ts')], outfile: join(dir, 'bare.mjs'), sourcemap: false });
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('with a .map beside the bundle, a formatted stack points into the .ts source', () => {
  const stack = run(true);
  expect(stack).toMatch(/^TypeError: from the entry\n {4}at fail \(.*entry\.ts:3:9\)/);
});

test('without a map, stacks are V8’s own, in the bundle', () => {
  expect(run(false)).toMatch(/^TypeError: from the entry\n {4}at fail \(.*bare\.mjs:\d+:\d+\)/);
});

test('with --enable-source-maps, Node maps them itself and the hook stays out', () => {
  expect(run(true, '--enable-source-maps')).toMatch(/^TypeError: from the entry\n {4}at fail \(.*entry\.ts:3:9\)/);
});
