import type { RawOptions } from '../processors/options.js';
import type { ProcessorName, RouteOptions } from '../processors/registry.js';

/** Which objects a route takes: those under `prefix` whose key ends in one of `suffixes`, in any case. */
export interface RouteFilter {
  readonly id: string;
  /** Non-empty, inside the inbox and ending in `/`, so IAM can scope reads to it. */
  readonly prefix: string;
  /** Lower case; matched in any case (`IMG_0001.JPG`). */
  readonly suffixes: readonly string[];
}

/** A route to processor `N` of the registry, with that processor's options type. */
export type RouteTo<N extends ProcessorName> = RouteFilter & { readonly processor: N; readonly options: RouteOptions<N> };

/** A route in `src/config/routes.ts`: one member per processor, so `processor` decides the options type. */
export type Route = { readonly [N in ProcessorName]: RouteTo<N> }[ProcessorName];

/**
 * A route as the worker runs it: any processor name (the worker is given its processor lookup,
 * so tests and benchmarks can route to fakes), options passed on to the processor unread.
 */
export interface AnyRoute extends RouteFilter {
  readonly processor: string;
  readonly options?: RawOptions;
}
