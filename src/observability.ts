/**
 * Structured JSON logs and CloudWatch EMF metrics (Powertools). Service name, namespace and
 * log level come from POWERTOOLS_* variables set in `serverless.ts`. Stack traces of the bundled
 * worker name the TypeScript sources, mapped only when a stack is formatted (`mapStacksLazily`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** One stack frame, in V8's format, at its place in the original sources when the map knows it. */
const formatFrame = (site: NodeJS.CallSite, bundle: string, map: SourceMap): string => {
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const file = site.getFileName();
  if ((file !== bundle && file !== `file://${bundle}`) || line === null || column === null) return `    at ${site.toString()}`;
  const entry = map.findEntry(line - 1, column - 1);
  if (!('originalSource' in entry)) return `    at ${site.toString()}`;
  const where = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  const name = site.getFunctionName();
  return `    at ${site.isAsync() ? 'async ' : ''}${name ? `${name} (${where})` : where}`;
};

/**
 * `--enable-source-maps` parses the bundle's whole map at load, about a quarter of the cold start
 * (docs/benchmarks.md), and `process.setSourceMapsEnabled` later only applies to modules loaded
 * after it. So, when this file runs from a bundle with a `.map` beside it and source maps are off,
 * stacks are formatted here: the map is read on the first stack formatted, never on the happy path.
 */
export const mapStacksLazily = (bundleUrl: string): boolean => {
  const bundle = fileURLToPath(bundleUrl);
  if (process.sourceMapsEnabled || !existsSync(`${bundle}.map`)) return false;
  let map: SourceMap | undefined;
  Error.prepareStackTrace = (error, sites) => {
    try {
      map ??= new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
      const loaded = map;
      return [String(error), ...sites.map((site) => formatFrame(site, bundle, loaded))].join('\n');
    } catch {
      // An unreadable map must not cost the error itself: the bundle's own positions then.
      return [String(error), ...sites.map((site) => `    at ${site.toString()}`)].join('\n');
    }
  };
  return true;
};

mapStacksLazily(import.meta.url);

export const logger = new Logger();
export const metrics = new Metrics();
