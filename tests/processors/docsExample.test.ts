/**
 * docs/processors.md's worked example must compile as written. Each ```ts block whose first line
 * is `// <path>` is compiled as that file; a block headed `// in <path>` is added to the real
 * file: its imports after the file's imports, its other lines after the one line it shares with
 * the file (the declaration it extends). Nothing is written to disk: the compiler sees the
 * virtual files through its host, beside the real sources and the project's tsconfig.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = 'docs/processors.md';

interface Block {
  readonly path: string;
  readonly addition: boolean;
  readonly lines: readonly string[];
}

const blocksOf = (markdown: string): Block[] =>
  [...markdown.matchAll(/```ts\n\/\/ (in )?(\S+)\n([\s\S]*?)```/g)].map(([, addition, path = '', body = '']) => ({
    path,
    addition: addition !== undefined,
    lines: body.trimEnd().split('\n'),
  }));

/** The real file with the block's lines added; throws when the block shares no line with it. */
const addTo = (file: string, block: Block): string => {
  const lines = file.split('\n');
  const imports = block.lines.filter((line) => line.startsWith('import '));
  const rest = block.lines.filter((line) => !line.startsWith('import ') && line.trim() !== '');
  const anchor = rest.findIndex((line) => lines.includes(line));
  if (anchor === -1) throw new Error(`${DOC}: the block for ${block.path} shares no line with the file, so where it goes is unknown`);
  lines.splice(lines.indexOf(rest[anchor] ?? '') + 1, 0, ...rest.slice(anchor + 1));
  const lastImport = lines.findLastIndex((line) => line.startsWith('import ') || line.startsWith('} from '));
  lines.splice(lastImport + 1, 0, ...imports);
  return lines.join('\n');
};

const virtualFiles = (blocks: readonly Block[]): Map<string, string> =>
  new Map(
    blocks.map((block) => {
      const path = resolve(ROOT, block.path);
      return [path, block.addition ? addTo(readFileSync(path, 'utf8'), block) : `${block.lines.join('\n')}\n`];
    }),
  );

const compile = (files: ReadonlyMap<string, string>): string[] => {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('tsconfig.json: cannot be read');
  const host = ts.createCompilerHost(config.options);
  const { directoryExists, fileExists, readFile } = host;
  const inVirtualDirectory = (name: string) => [...files.keys()].some((path) => path.startsWith(`${resolve(name)}/`));
  host.directoryExists = (name) => inVirtualDirectory(name) || (directoryExists?.(name) ?? ts.sys.directoryExists(name));
  host.fileExists = (name) => files.has(resolve(name)) || fileExists(name);
  host.readFile = (name) => files.get(resolve(name)) ?? readFile(name);
  host.getSourceFile = (name, version) => {
    const text = host.readFile(name);
    return text === undefined ? undefined : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram([...files.keys()], config.options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
};

describe(`${DOC}: adding a processor`, () => {
  const blocks = blocksOf(readFileSync(resolve(ROOT, DOC), 'utf8'));

  test('the worked example names the files it shows', () => {
    expect(blocks.map((block) => `${block.addition ? 'in ' : ''}${block.path}`)).toEqual([
      'src/processors/lineCount/options.ts',
      'src/processors/lineCount.ts',
      'in src/processors/registry.ts',
      'in src/config/routes.ts',
      'tests/processors/lineCount.test.ts',
    ]);
  });

  test('compiles as written, registered and routed', { timeout: 60_000 }, () => {
    expect(compile(virtualFiles(blocks))).toEqual([]);
  });

  test('the compile check fails on a mistake (its control)', { timeout: 60_000 }, () => {
    const files = virtualFiles(blocks);
    const routes = resolve(ROOT, 'src/config/routes.ts');
    files.set(routes, (files.get(routes) ?? '').replace('options: { maxBytes: 100_000_000 }', 'options: { maxByte: 100_000_000 }'));
    expect(compile(files).join('\n')).toMatch(/src\/config\/routes\.ts.*error TS2353: Object literal may only specify known properties, and 'maxByte'/);
  });
});
