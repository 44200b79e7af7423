/**
 * DLQ tools for any stage: `npm run dlq:list|dlq:redrive|dlq:purge -- [--stage local|dev|prod]`.
 * Lift's `sls jobs:failed*` work too, but neither list nor keep message attributes (it receives
 * without MessageAttributeNames); these do. Stage `local` talks to LocalStack; others to AWS with
 * the usual credentials. A DLQ message carries no failure reason of its own: the body (the S3
 * event: bucket, key) plus receive count and first/last receive times are what SQS keeps, and the
 * worker's log (messageId) says why.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DeleteMessageBatchCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { stageFromArgv } from '../infra/stageFromArgv.js';
import { stackNameFor } from '../infra/service.js';
import { localStackEnv, stackOutputs } from '../local/stack.js';

const stage = stageFromArgv();
if (stage === 'local') for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
const sqs = new SQSClient({});
const outputs = await stackOutputs(new CloudFormationClient({}), stackNameFor(stage));

/** Receives every visible DLQ message, hiding each for `hideSeconds` so none is read twice. */
const receiveAll = async (hideSeconds: number): Promise<Message[]> => {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: outputs.DeadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: hideSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
};

const list = async () => {
  const messages = await receiveAll(2);
  for (const message of messages) {
    console.log(
      JSON.stringify(
        { messageId: message.MessageId, attributes: message.Attributes, messageAttributes: message.MessageAttributes, body: message.Body },
        null,
        2,
      ),
    );
  }
  console.log(`${messages.length} message(s) in ${outputs.DeadLetterQueueUrl}`);
};

/** Sends each message back to the main queue with its message attributes, then deletes it from the DLQ. */
const redrive = async () => {
  const messages = await receiveAll(60);
  let moved = 0;
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    const entries = batch.map((message, index) => ({ Id: String(index), MessageBody: message.Body ?? '', MessageAttributes: message.MessageAttributes }));
    const { Successful = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: outputs.QueueUrl, Entries: entries }));
    const sent = Successful.flatMap((entry) => batch[Number(entry.Id)] ?? []);
    if (sent.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: outputs.DeadLetterQueueUrl,
          Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    moved += sent.length;
  }
  console.log(`${moved} of ${messages.length} message(s) moved back to ${outputs.QueueUrl}`);
};

const purge = async () => {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: outputs.DeadLetterQueueUrl }));
  console.log(`purged ${outputs.DeadLetterQueueUrl}`);
};

const commands = { list, redrive, purge } as const;
const name = process.argv[2];
if (name === undefined || !(name in commands)) throw new Error(`dlq: command must be one of ${Object.keys(commands).join(', ')}, '${name}' given`);
await commands[name as keyof typeof commands]();
