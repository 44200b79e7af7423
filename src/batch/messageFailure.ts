import type { SourceObject } from '../types.js';
import type { ObjectOutcome, Outcomes, ParsedMessage } from './types.js';

/** The outcome of an object the batch left unfinished (the time budget ran out first): a retry. */
export const NOT_FINISHED: ObjectOutcome = { status: 'retry', reason: 'not finished within the time budget' };

/** @example outcomeOf(source, context.outcomes).status // 'retry' when it never finished */
export const outcomeOf = (source: SourceObject, outcomes: Outcomes | undefined): ObjectOutcome => outcomes?.get(source)?.outcome ?? NOT_FINISHED;

/**
 * Why a message must be retried, or `undefined` when it may be acknowledged: it is unusable, or
 * one of its objects did not finish or needs a retry (a message is retried as a whole).
 * @example messageFailure(message, context.outcomes) // 'incoming/a.csv: not finished within the time budget'
 */
export const messageFailure = (message: ParsedMessage, outcomes: Outcomes | undefined): string | undefined => {
  if (message.kind === 'unusable') return message.reason;
  if (message.kind === 'acknowledged') return undefined;
  for (const { source } of message.objects) {
    const outcome = outcomeOf(source, outcomes);
    if (outcome.status === 'retry') return `${source.key}: ${outcome.reason}`;
  }
  return undefined;
};
