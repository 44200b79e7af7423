import { expect, test } from 'vitest';
import { explainFailure } from '../../operations/failures.js';
import { createProgress, formatBytes } from '../../operations/progress.js';

const local = { stage: 'local', region: 'us-east-1', stackName: 'file-processor-local' };
const dev = { stage: 'dev', region: 'eu-west-1', stackName: 'file-processor-dev' };
const named = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name, ...extra });

test.each([
  [
    local,
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
    /^LocalStack is not answering at http:\/\/127\.0\.0\.1:4566: start it with 'npm run localstack:start'/,
  ],
  [
    dev,
    named('ValidationError', 'Stack with id file-processor-dev does not exist'),
    /^stack file-processor-dev is not deployed in eu-west-1: deploy it with 'sls deploy --stage dev'$/,
  ],
  [dev, named('CredentialsProviderError', 'Could not load credentials from any providers'), /^no AWS credentials for stage 'dev': set AWS_PROFILE/],
  [dev, named('ExpiredToken', 'The security token included in the request is expired'), /have expired/],
  [dev, named('AccessDenied', 'Access Denied', { $metadata: { httpStatusCode: 403 } }), /^access denied on stage 'dev'/],
  [dev, new RangeError('--limit: must be a whole number ≥ 1'), /^--limit: must be a whole number ≥ 1$/],
])('%#: one line that says what to do', (input, error, expected) => {
  const line = explainFailure(error, input, input === local ? 'http://127.0.0.1:4566' : undefined);
  expect(line).toMatch(expected);
  expect(line).not.toContain('\n');
});

test('progress redraws in place on a terminal and prints at most every interval elsewhere', () => {
  const written: string[] = [];
  let now = 0;
  const tty = createProgress({ isTTY: true, write: (text: string) => written.push(text) }, 1000, () => now);
  tty.update('a');
  tty.update('b');
  tty.done('end');
  expect(written).toEqual(['\r\x1b[2Ka', '\r\x1b[2Kb', '\r\x1b[2Kend\n']);

  written.length = 0;
  const pipe = createProgress({ isTTY: false, write: (text: string) => written.push(text) }, 1000, () => now);
  pipe.update('1');
  now = 500;
  pipe.update('2');
  now = 1000;
  pipe.update('3');
  pipe.done('end');
  expect(written).toEqual(['1\n', '3\n', 'end\n']);
});

test('formatBytes', () => {
  expect(formatBytes(824)).toBe('824 B');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
});
