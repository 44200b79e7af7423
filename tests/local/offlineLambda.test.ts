import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import { FunctionError, OFFLINE_TIMEOUT_MESSAGE, invokeThroughLambdaApi, isOfflineTimeout, replacingTimedOut } from '../../local/offlineLambda.js';

const event: SQSEvent = { Records: [] };
const timedOut = () => new FunctionError(OFFLINE_TIMEOUT_MESSAGE, 'Error');
const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A LambdaClient answering every Invoke with `answer`, recording the payloads sent. */
const fakeLambda = (answer: { FunctionError?: string; Payload?: string }) => {
  const sent: unknown[] = [];
  const send = async (command: { input: { FunctionName?: string; Payload?: string } }) => {
    sent.push({ name: command.input.FunctionName, payload: JSON.parse(command.input.Payload ?? 'null') });
    return {
      StatusCode: 200,
      FunctionError: answer.FunctionError,
      Payload: answer.Payload === undefined ? undefined : new TextEncoder().encode(answer.Payload),
    };
  };
  return { lambda: { send } as unknown as LambdaClient, sent };
};

describe('invokeThroughLambdaApi', () => {
  test('sends the event to the function and resolves with its response', async () => {
    const { lambda, sent } = fakeLambda({ Payload: '{"batchItemFailures":[{"itemIdentifier":"b"}]}' });
    expect(await invokeThroughLambdaApi(lambda, 'file-processor-local-jobsWorker')(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(sent).toEqual([{ name: 'file-processor-local-jobsWorker', payload: event }]);
  });

  test('an empty payload is no response (all succeeded)', async () => {
    expect(await invokeThroughLambdaApi(fakeLambda({ Payload: '' }).lambda, 'f')(event)).toBeUndefined();
  });

  test('a FunctionError rejects with the function error, a timeout recognisably so', async () => {
    const thrown = fakeLambda({ FunctionError: 'Unhandled', Payload: '{"errorMessage":"boom","errorType":"Error","trace":[]}' });
    const error = await invokeThroughLambdaApi(thrown.lambda, 'f')(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ message: 'boom', errorType: 'Error' });
    expect(isOfflineTimeout(error)).toBe(false);
    const timeout = fakeLambda({ FunctionError: 'Unhandled', Payload: JSON.stringify({ errorMessage: OFFLINE_TIMEOUT_MESSAGE, errorType: 'Error' }) });
    expect(isOfflineTimeout(await invokeThroughLambdaApi(timeout.lambda, 'f')(event).catch((e: unknown) => e))).toBe(true);
  });
});

describe('replacingTimedOut', () => {
  test('responses and other failures pass through, nothing is replaced', async () => {
    let replaced = 0;
    const answers = [async () => ({ ok: 1 }), async () => Promise.reject(new FunctionError('boom', 'Error'))];
    const invoke = replacingTimedOut(
      () => (answers.shift() ?? (async () => undefined))(),
      async () => {
        replaced += 1;
      },
    );
    expect(await invoke(event)).toEqual({ ok: 1 });
    await expect(invoke(event)).rejects.toThrow('boom');
    expect(replaced).toBe(0);
  });

  test('after a timeout: the invocations in flight finish first, the environments are replaced once, then invocations go on', async () => {
    const log: string[] = [];
    const invoke = replacingTimedOut(
      async (e) => {
        const name = (e as unknown as { name: string }).name;
        log.push(`start ${name}`);
        if (name === 'slow') await later(50);
        if (name.startsWith('timeout')) throw timedOut();
        log.push(`end ${name}`);
        return name;
      },
      async () => {
        log.push('replace');
        await later(20);
      },
    );
    const call = (name: string) => invoke({ ...event, name } as unknown as SQSEvent);
    const slow = call('slow');
    await expect(Promise.all([call('timeout-1'), call('timeout-2')])).rejects.toThrow(OFFLINE_TIMEOUT_MESSAGE);
    const after = call('after');
    expect(await Promise.all([slow, after])).toEqual(['slow', 'after']);
    expect(log).toEqual(['start slow', 'start timeout-1', 'start timeout-2', 'end slow', 'replace', 'start after', 'end after']);
  });
});
