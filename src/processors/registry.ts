/**
 * Processor lookup table. Modules load lazily, so a CSV batch never loads sharp.
 * To add a processor: write `src/processors/<name>.ts` exporting a `ProcessorModule`
 * as default, add one line here, and point a route at it in `src/config/routes.ts`.
 */
import { RejectionError } from '../errors.js';
import { parseCsvOptions } from './csv/options.js';
import { parseImageOptions } from './image/options.js';
import type { RawOptions } from './options.js';
import type { ProcessorModule } from './types.js';

const loaders = {
  'csv-to-ndjson': () => import('./csvToNdjson.js'),
  'image-thumbnails': () => import('./imageThumbnails.js'),
} as const satisfies Record<string, () => Promise<{ default: ProcessorModule }>>;

export type ProcessorName = keyof typeof loaders;

export const processorNames = Object.keys(loaders) as readonly ProcessorName[];

/**
 * Each processor's option check, light enough to run at package time and cold start, so a
 * bad route option fails `sls package` instead of every file. Throws `ConfigError`.
 */
export const optionCheckers = {
  'csv-to-ndjson': parseCsvOptions,
  'image-thumbnails': parseImageOptions,
} as const satisfies Record<ProcessorName, (raw: RawOptions) => unknown>;

const loaded = new Map<string, Promise<ProcessorModule>>();

/** @example const csv = await loadProcessor('csv-to-ndjson') */
export const loadProcessor = (name: string): Promise<ProcessorModule> => {
  if (!Object.hasOwn(loaders, name)) {
    return Promise.reject(new RejectionError(`processor: must be one of ${processorNames.join(', ')}, '${name}' given`));
  }
  let module = loaded.get(name);
  if (module === undefined) {
    module = loaders[name as ProcessorName]().then((imported) => imported.default);
    loaded.set(name, module);
  }
  return module;
};
