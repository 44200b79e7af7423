import type { Outcomes, ParsedMessage } from './types.js';

/**
 * Why a message must be retried, or `undefined` when it may be acknowledged: it is unusable, or
 * one of its objects did not finish or needs a retry (a message is retried as a whole).
 * @example messageFailure(message, context.outcomes) // 'incoming/a.csv: not finished within the time budget'
 */
export const messageFailure = (message: ParsedMessage, outcomes: Outcomes | undefined): string | undefined => {
  if (message.kind === 'unusable') return message.reason;
  if (message.kind === 'acknowledged') return undefined;
  for (const { source } of message.objects) {
    const outcome = outcomes?.get(source)?.outcome;
    if (outcome === undefined) return `${source.key}: not finished within the time budget`;
    if (outcome.status === 'retry') return `${source.key}: ${outcome.reason}`;
  }
  return undefined;
};
