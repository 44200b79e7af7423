/**
 * The processors, one entry each: how to load it and how to check a route's options without
 * loading it. Modules load lazily, so a CSV batch never loads sharp. To add a processor, see
 * docs/processors.md: one module, one entry here, one route in `src/config/routes.ts`.
 */
import { RejectionError } from '../errors.js';
import { type AccessLogRouteOptions, parseAccessLogOptions } from './accessLogs/options.js';
import { type CsvRouteOptions, parseCsvOptions } from './csv/options.js';
import { type ImageRouteOptions, parseImageOptions } from './image/options.js';
import type { RawOptions } from './options.js';
import type { ProcessorModule } from './types.js';

/** `Options` is what a route may write in its `options` (a `type`, so it is a `RawOptions`). */
export interface ProcessorEntry<Options extends RawOptions> {
  /** Imports the module on first use, so a heavy dependency costs only the routes that use it. */
  readonly load: () => Promise<{ readonly default: ProcessorModule }>;
  /**
   * Throws `ConfigError` for bad options. Light enough for package time and cold start (keep it
   * out of the module `load` imports), so a bad route fails `sls package`, not every file.
   */
  readonly checkOptions: (options: Options) => unknown;
}

/** One registry entry; the type argument names the options type that routes to it must use. */
const processorEntry = <Options extends RawOptions>(entry: {
  readonly load: ProcessorEntry<Options>['load'];
  readonly checkOptions: (raw: RawOptions) => unknown;
}): ProcessorEntry<Options> => entry;

const processors = {
  'csv-to-ndjson': processorEntry<CsvRouteOptions>({ load: () => import('./csvToNdjson.js'), checkOptions: parseCsvOptions }),
  'image-thumbnails': processorEntry<ImageRouteOptions>({ load: () => import('./imageThumbnails.js'), checkOptions: parseImageOptions }),
  'access-logs': processorEntry<AccessLogRouteOptions>({ load: () => import('./accessLogs.js'), checkOptions: parseAccessLogOptions }),
};

export type ProcessorName = keyof typeof processors;

export const processorNames = Object.keys(processors) as readonly ProcessorName[];

type OptionsByProcessor = { readonly [N in ProcessorName]: (typeof processors)[N] extends ProcessorEntry<infer Options> ? Options : never };

/** The options type of a route to processor `N`. */
export type RouteOptions<N extends ProcessorName> = OptionsByProcessor[N];

/**
 * The registry seen through its names: `entryOf(name).checkOptions` takes exactly `RouteOptions<N>`,
 * which is what lets `checkRoutes` check a route of the `Route` union without a cast.
 */
export const entryOf = <N extends ProcessorName>(name: N): ProcessorEntry<RouteOptions<N>> => {
  const entries: { readonly [M in ProcessorName]: ProcessorEntry<RouteOptions<M>> } = processors;
  return entries[name];
};

export const isProcessorName = (name: string): name is ProcessorName => Object.hasOwn(processors, name);

const loaded = new Map<ProcessorName, Promise<ProcessorModule>>();

/** @example const csv = await loadProcessor('csv-to-ndjson') */
export const loadProcessor = (name: string): Promise<ProcessorModule> => {
  if (!isProcessorName(name)) {
    return Promise.reject(new RejectionError(`processor: must be one of ${processorNames.join(', ')}, '${name}' given`));
  }
  let module = loaded.get(name);
  if (module === undefined) {
    module = processors[name].load().then((imported) => imported.default);
    loaded.set(name, module);
  }
  return module;
};
