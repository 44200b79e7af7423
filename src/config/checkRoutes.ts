import { ConfigError, messageOf } from '../errors.js';
import { optionCheckers, processorNames, type ProcessorName } from '../processors/registry.js';
import { RESULT_PREFIXES } from '../storage/resultKeys.js';
import { INBOX } from './routes.js';
import type { Route } from './types.js';

/** Two (prefix, suffix) rules overlap when one prefix starts the other and one suffix ends the other. */
const overlaps = (a: string, b: string, test: 'startsWith' | 'endsWith') => a[test](b) || b[test](a);

/**
 * Checks the routing table before it is deployed or used: every route inside the inbox, and no
 * key that two routes would both take. Messages name the route, the rule and the value.
 */
export const checkRoutes = (routes: readonly Route[], inbox: string = INBOX): readonly Route[] => {
  const ids = new Set<string>();
  for (const route of routes) {
    const where = `routes['${route.id}']`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(route.id)) throw new ConfigError(`${where}.id: must be lower-case letters, digits and '-', '${route.id}' given`);
    if (ids.has(route.id)) throw new ConfigError(`${where}.id: must be unique, '${route.id}' given twice`);
    ids.add(route.id);
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
          `routes['${b.route.id}']: filter '${b.route.prefix}*${b.suffix}' overlaps routes['${a.route.id}'] filter '${a.route.prefix}*${a.suffix}'; a key must have one route`,
        );
      }
    }
  });
  return routes;
};

/**
 * The route an object key belongs to, if any: prefix as given (S3 keys and IAM are
 * case-sensitive), suffix in any case (`IMG_0001.JPG`, `Day.CSV`).
 */
export const findRoute = <R extends Route>(routes: readonly R[], key: string): R | undefined => {
  const lowerKey = key.toLowerCase();
  return routes.find((route) => key.startsWith(route.prefix) && route.suffixes.some((suffix) => lowerKey.endsWith(suffix)));
};
