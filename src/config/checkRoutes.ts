import { ConfigError, messageOf } from '../errors.js';
import { optionCheckers, processorNames, type ProcessorName } from '../processors/registry.js';
import { RESULT_PREFIXES } from '../storage/resultKeys.js';
import type { Route } from './types.js';

/** Two S3 filter rules overlap when one prefix starts the other and one suffix ends the other. */
const overlaps = (a: string, b: string, test: 'startsWith' | 'endsWith') => a[test](b) || b[test](a);

/**
 * Checks the routing table before it becomes S3 notification rules, which S3 would
 * reject at deploy time if any two overlapped. Messages name the route, the rule and the value.
 */
export const checkRoutes = (routes: readonly Route[]): readonly Route[] => {
  const ids = new Set<string>();
  for (const route of routes) {
    const where = `routes['${route.id}']`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(route.id)) throw new ConfigError(`${where}.id: must be lower-case letters, digits and '-', '${route.id}' given`);
    if (ids.has(route.id)) throw new ConfigError(`${where}.id: must be unique, '${route.id}' given twice`);
    ids.add(route.id);
    if (!route.prefix.endsWith('/') || route.prefix.startsWith('/')) {
      throw new ConfigError(`${where}.prefix: must be a folder like 'incoming/orders/' (non-empty, ending in '/'), '${route.prefix}' given`);
    }
    const resultPrefix = RESULT_PREFIXES.find((prefix) => overlaps(route.prefix, prefix, 'startsWith'));
    if (resultPrefix !== undefined) {
      throw new ConfigError(`${where}.prefix: must not read from the results layout ('${resultPrefix}'), '${route.prefix}' given`);
    }
    if (route.suffixes.length === 0 || route.suffixes.some((suffix) => suffix === '')) {
      throw new ConfigError(`${where}.suffixes: must list at least one non-empty suffix, '${route.suffixes.join(', ')}' given`);
    }
    if (!(processorNames as readonly string[]).includes(route.processor)) {
      throw new ConfigError(`${where}.processor: must be one of ${processorNames.join(', ')}, '${route.processor}' given`);
    }
    try {
      optionCheckers[route.processor as ProcessorName](route.options ?? {});
    } catch (error: unknown) {
      throw new ConfigError(`${where}: ${messageOf(error)}`);
    }
  }
  const rules = routes.flatMap((route) => route.suffixes.map((suffix) => ({ route, suffix })));
  rules.forEach((a, index) => {
    for (const b of rules.slice(index + 1)) {
      if (overlaps(a.route.prefix, b.route.prefix, 'startsWith') && overlaps(a.suffix, b.suffix, 'endsWith')) {
        throw new ConfigError(
          `routes['${b.route.id}']: filter '${b.route.prefix}*${b.suffix}' overlaps routes['${a.route.id}'] filter '${a.route.prefix}*${a.suffix}'; S3 rejects overlapping notification rules`,
        );
      }
    }
  });
  return routes;
};

/** The route an object key belongs to, if any (the same test S3's filters apply). */
export const findRoute = <R extends Route>(routes: readonly R[], key: string): R | undefined =>
  routes.find((route) => key.startsWith(route.prefix) && route.suffixes.some((suffix) => key.endsWith(suffix)));
