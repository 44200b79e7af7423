import { ConfigError, messageOf } from '../errors.js';
import { entryOf, isProcessorName, processorNames, type ProcessorName } from '../processors/registry.js';
import { RESULT_PREFIXES } from '../storage/resultKeys.js';
import { INBOX } from './routes.js';
import type { Route, RouteTo } from './types.js';

/** Runs the processor's own option check; generic, so `options` has the type that processor's entry takes. */
const checkOptions = <N extends ProcessorName>(route: RouteTo<N>): unknown => entryOf(route.processor).checkOptions(route.options);

/** Two (prefix, suffix) rules overlap when one prefix starts the other and one suffix ends the other. */
const overlaps = (a: string, b: string, test: 'startsWith' | 'endsWith') => a[test](b) || b[test](a);

/** One route on its own: id, prefix, suffixes, processor and its options (ids must differ from `earlier`). */
const checkRoute = (route: Route, earlier: readonly Route[], inbox: string): void => {
  const where = `routes['${route.id}']`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(route.id)) throw new ConfigError(`${where}.id: must be lower-case letters, digits and '-', '${route.id}' given`);
  if (earlier.some((other) => other.id === route.id)) throw new ConfigError(`${where}.id: must be unique, '${route.id}' given twice`);
  if (!route.prefix.endsWith('/') || route.prefix.startsWith('/')) {
    throw new ConfigError(`${where}.prefix: must be a folder like 'incoming/orders/' (non-empty, ending in '/'), '${route.prefix}' given`);
  }
  if (!route.prefix.startsWith(inbox)) {
    throw new ConfigError(`${where}.prefix: must be inside the inbox '${inbox}' (only it is notified), '${route.prefix}' given`);
  }
  const resultPrefix = RESULT_PREFIXES.find((prefix) => overlaps(route.prefix, prefix, 'startsWith'));
  if (resultPrefix !== undefined) {
    throw new ConfigError(`${where}.prefix: must not read from the results layout ('${resultPrefix}'), '${route.prefix}' given`);
  }
  if (route.suffixes.length === 0 || route.suffixes.some((suffix) => suffix === '')) {
    throw new ConfigError(`${where}.suffixes: must list at least one non-empty suffix, '${route.suffixes.join(', ')}' given`);
  }
  const upperCase = route.suffixes.find((suffix) => suffix !== suffix.toLowerCase());
  if (upperCase !== undefined) throw new ConfigError(`${where}.suffixes: must be lower case (matching ignores case), '${upperCase}' given`);
  // The type admits only registered names; a route built in plain JavaScript or JSON is caught here.
  if (!isProcessorName(route.processor)) {
    throw new ConfigError(`${where}.processor: must be one of ${processorNames.join(', ')}, '${String(route.processor)}' given`);
  }
  try {
    checkOptions(route);
  } catch (error: unknown) {
    throw new ConfigError(`${where}: ${messageOf(error)}`);
  }
};

/** No key may have two routes: S3 notifies the inbox once, and the worker must pick one route. */
const checkOverlaps = (routes: readonly Route[]): void => {
  const rules = routes.flatMap((route) => route.suffixes.map((suffix) => ({ route, suffix })));
  rules.forEach((a, index) => {
    for (const b of rules.slice(index + 1)) {
      if (overlaps(a.route.prefix, b.route.prefix, 'startsWith') && overlaps(a.suffix, b.suffix, 'endsWith')) {
        throw new ConfigError(
          `routes['${b.route.id}']: filter '${b.route.prefix}*${b.suffix}' overlaps routes['${a.route.id}'] filter '${a.route.prefix}*${a.suffix}'; a key must have one route`,
        );
      }
    }
  });
};

/**
 * Checks the routing table before it is deployed or used: every route inside the inbox, and no
 * key that two routes would both take. Messages name the route, the rule and the value.
 * @example checkRoutes(routes) // returns `routes`, or throws ConfigError
 */
export const checkRoutes = (routes: readonly Route[], inbox: string = INBOX): readonly Route[] => {
  routes.forEach((route, index) => {
    checkRoute(route, routes.slice(0, index), inbox);
  });
  checkOverlaps(routes);
  return routes;
};
