/**
 * `sls files:dlq list|redrive|purge`. `list` peeks (operations/queues.ts): bounded by `--limit`
 * unless `--all`, each message once, the DLQ left as it was. `redrive` is SQS's own message move
 * task (keeps attributes, rate-limited), followed to the end with progress. `purge` asks first.
 */
import { CancelMessageMoveTaskCommand, ListMessageMoveTasksCommand, type Message, PurgeQueueCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRate } from '../enqueue.js';
import { createProgress } from '../progress.js';
import { objectsIn, peekMessages, queueDepth } from '../queues.js';
import type { Stage } from '../stage.js';

export const parseLimit = (raw: unknown): number => {
  if (raw === undefined) return 20;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`--limit: must be a whole number ≥ 1, '${String(raw)}' given`);
  return limit;
};

/** What a DLQ message tells: its objects, how often it was received, when it was first sent. */
export const describeMessage = (message: Message) => {
  const sent = message.Attributes?.SentTimestamp;
  return {
    messageId: message.MessageId ?? '',
    keys: objectsIn(message.Body).map((object) => object.key),
    // The peek itself is one more receive.
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1) - 1,
    sentAt: sent === undefined ? undefined : new Date(Number(sent)).toISOString(),
    messageAttributes: message.MessageAttributes,
    body: message.Body,
  };
};

export const listDlq = async (stage: Stage, options: Readonly<Record<string, unknown>>, print = console.log): Promise<number> => {
  const limit = options.all === true ? undefined : parseLimit(options.limit);
  const { visible } = await queueDepth(stage.sqs, stage.outputs.DeadLetterQueueUrl);
  const shown = await peekMessages(stage.sqs, stage.outputs.DeadLetterQueueUrl, {
    limit,
    onMessage: (message) => {
      const described = describeMessage(message);
      if (options.json === true) print(JSON.stringify(described));
      else {
        const keys = described.keys.length > 0 ? described.keys.join(', ') : `(not an S3 notification: ${(described.body ?? '').slice(0, 60)})`;
        print(`${described.messageId}  ${keys}  failed ${described.receiveCount}×  sent ${described.sentAt ?? '?'}`);
      }
      return false;
    },
  });
  if (options.json !== true) {
    const more = shown < visible ? `; ${visible - shown} more: --limit N or --all` : '';
    console.error(`${shown} of ${visible} message(s) in the DLQ of stage '${stage.name}' shown, all left in place${more}`);
  }
  return shown;
};

export const redriveDlq = async (stage: Stage, options: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<number> => {
  const rate = options.rate === undefined ? undefined : parseRate(options.rate);
  const [dlq, queue] = await Promise.all([queueDepth(stage.sqs, stage.outputs.DeadLetterQueueUrl), queueDepth(stage.sqs, stage.outputs.QueueUrl)]);
  if (dlq.visible === 0) {
    console.error(`the DLQ of stage '${stage.name}' is empty: nothing to redrive`);
    return 0;
  }
  const { TaskHandle } = await stage.sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: queue.arn, MaxNumberOfMessagesPerSecond: rate }),
  );
  const progress = createProgress();
  for (;;) {
    if (signal?.aborted) {
      await stage.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
      progress.done('redrive cancelled; messages not yet moved stay in the DLQ');
      return -1;
    }
    const { Results = [] } = await stage.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 1 }));
    const task = Results[0];
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    const total = task?.ApproximateNumberOfMessagesToMove ?? dlq.visible;
    if (task?.Status === 'FAILED') throw new Error(`redrive failed after ${moved} message(s): ${task.FailureReason ?? 'no reason given'}`);
    if (task === undefined || task.Status === 'COMPLETED' || task.Status === 'CANCELLED') {
      progress.done(`moved ${moved} message(s) from the DLQ back to the queue of stage '${stage.name}'`);
      return moved;
    }
    progress.update(`redriving: ${moved} of ${total} moved`);
    await sleep(500);
  }
};

export const purgeDlq = async (stage: Stage, options: Readonly<Record<string, unknown>>, ask = askYesNo): Promise<boolean> => {
  const { visible, inFlight } = await queueDepth(stage.sqs, stage.outputs.DeadLetterQueueUrl);
  if (options.yes !== true) {
    if (!process.stdin.isTTY) throw new RangeError('purge: not a terminal, so nobody can confirm; add --yes to purge without asking');
    const question = `purge ${visible + inFlight} message(s) from the DLQ of stage '${stage.name}'? This cannot be undone [y/N] `;
    if (!(await ask(question))) {
      console.error('nothing purged');
      return false;
    }
  }
  await stage.sqs.send(new PurgeQueueCommand({ QueueUrl: stage.outputs.DeadLetterQueueUrl }));
  console.error(`purged the DLQ of stage '${stage.name}' (${visible + inFlight} message(s); SQS may take up to 60 s to finish)`);
  return true;
};

const askYesNo = async (question: string): Promise<boolean> => {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await readline.question(question)).trim());
  } finally {
    readline.close();
  }
};
