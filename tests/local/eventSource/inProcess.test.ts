import type { SQSEvent } from 'aws-lambda';
import { expect, test } from 'vitest';
import { invokeInProcess, lambdaContext } from '../../../local/eventSource/inProcess.js';

const fn = { functionName: 'f', memoryLimitInMB: 1024, region: 'us-east-1', accountId: '1' };
const event: SQSEvent = { Records: [] };

test('lambdaContext counts the remaining time down from the deadline', () => {
  const context = lambdaContext(fn, Date.now() + 5000);
  expect(context.getRemainingTimeInMillis()).toBeGreaterThan(4000);
  expect(context).toMatchObject({ functionName: 'f', memoryLimitInMB: '1024', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' });
  expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
});

test('invokeInProcess returns what the handler returns, with a context counting down from the timeout', async () => {
  const invoke = invokeInProcess(async (_, context) => ({ remaining: context.getRemainingTimeInMillis() }), fn, 2);
  const { remaining } = (await invoke(event)) as { remaining: number };
  expect(remaining).toBeGreaterThan(1500);
  expect(remaining).toBeLessThanOrEqual(2000);
});

test('invokeInProcess fails an invocation that outlives the timeout', async () => {
  const slow = () => new Promise((resolve) => setTimeout(resolve, 1500));
  await expect(invokeInProcess(slow, fn, 1)(event)).rejects.toThrow('timed out after 1 s');
});
