/**
 * What `npm start` prints: one line per file and a status line (backlog, in flight, done, DLQ)
 * for a person, refreshed in place on a terminal and printed now and then when the output is a
 * file or a pipe; or, with `--json`, one JSON object per line for a machine.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CLEAR_LINE } from '../operations/progress.js';
import { type FileOutcome, describeOutcome } from './fileOutcomes.js';

export interface QueueDepths {
  /** Visible messages, waiting for a poller (plus delayed ones). */
  readonly backlog: number;
  /** Received and not yet deleted: being processed, or waiting out the visibility timeout after a failure. */
  readonly inFlight: number;
  readonly dlq: number;
}

const count = (attributes: Record<string, string> | undefined, name: string): number => Number(attributes?.[name] ?? 0);

/** The queue's and the DLQ's approximate counts, as the SQS console shows them. */
export const queueDepths = async (sqs: SQSClient, queueUrl: string, deadLetterQueueUrl: string): Promise<QueueDepths> => {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible'] as const;
  const [queue, dlq] = await Promise.all(
    [queueUrl, deadLetterQueueUrl].map((url) => sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }))),
  );
  return {
    backlog: count(queue?.Attributes, names[0]) + count(queue?.Attributes, names[1]),
    inFlight: count(queue?.Attributes, names[2]),
    dlq: count(dlq?.Attributes, names[0]) + count(dlq?.Attributes, names[2]),
  };
};

export interface Status extends QueueDepths {
  /** Files with a manifest since this start, by status. */
  readonly processed: number;
  readonly rejected: number;
}

export const describeStatus = ({ backlog, inFlight, processed, rejected, dlq }: Status): string =>
  `backlog ${backlog} · in flight ${inFlight} · done ${processed + rejected} (✔ ${processed} ✖ ${rejected}) · DLQ ${dlq}`;

export interface Output {
  /** A message about the command itself (bring-up, ready, stopping). `fields` are for --json. */
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  file(outcome: FileOutcome): void;
  /** The latest counts: shown in place on a terminal, otherwise printed when they change, at most every `plainEveryMs`. */
  status(depths: QueueDepths): void;
  /** Leaves the status line as the last line (on a terminal). */
  close(): void;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly stream?: Pick<NodeJS.WriteStream, 'write'> & { readonly isTTY?: boolean };
  /** Non-terminal output: the status line at most this often, and only when it changed. */
  readonly plainEveryMs?: number;
  readonly now?: () => number;
}

/** @example const output = startOutput({ json: process.argv.includes('--json') }); output.file(outcome) */
export const startOutput = ({ json, stream = process.stdout, plainEveryMs = 10_000, now = Date.now }: OutputOptions): Output => {
  const tally = { processed: 0, rejected: 0 };
  let depths: QueueDepths | undefined;
  let shown: string | undefined;
  let shownAt = Number.NEGATIVE_INFINITY;
  const tty = stream.isTTY === true && !json;
  const current = (): Status | undefined => (depths === undefined ? undefined : { ...depths, ...tally });
  const line = (text: string) => {
    // On a terminal the status line is the last one: erase it, print, draw it again below.
    if (tty && shown !== undefined) stream.write(CLEAR_LINE);
    stream.write(`${text}\n`);
    if (tty && shown !== undefined) stream.write(shown);
  };
  const emit = (object: Readonly<Record<string, unknown>>) => stream.write(`${JSON.stringify(object)}\n`);
  const showStatus = () => {
    const status = current();
    if (status === undefined) return;
    if (json) {
      const text = JSON.stringify(status);
      if (text !== shown) emit({ type: 'status', ...status });
      shown = text;
      return;
    }
    const text = describeStatus(status);
    if (tty) {
      if (text !== shown) stream.write(`${CLEAR_LINE}${text}`);
      shown = text;
    } else if (text !== shown && now() - shownAt >= plainEveryMs) {
      stream.write(`${text}\n`);
      shown = text;
      shownAt = now();
    }
  };
  return {
    info: (message, fields = {}) => (json ? emit({ type: 'info', message, ...fields }) : line(message)),
    file: (outcome) => {
      if (outcome.status === 'processed' || outcome.status === 'rejected') tally[outcome.status] += 1;
      if (json) emit({ type: 'file', ...outcome });
      else line(describeOutcome(outcome));
      showStatus();
    },
    status: (latest) => {
      depths = latest;
      showStatus();
    },
    close: () => {
      if (tty && shown !== undefined) stream.write('\n');
      shown = undefined;
    },
  };
};
