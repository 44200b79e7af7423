import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { beforeEach, describe, expect, test } from 'vitest';
import { RejectionError, TransientError } from '../../src/errors.js';
import { createS3Sink } from '../../src/storage/s3Sink.js';
import { RESULTS_BUCKET, UPLOAD_BUCKET } from '../helpers/events.js';
import { FakeS3, s3Error } from '../helpers/fakeS3.js';
import { sourceObject } from '../helpers/processorRun.js';

const source = sourceObject({ bucket: UPLOAD_BUCKET, key: 'incoming/orders/day 1.csv', versionId: 'v1' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

let s3: FakeS3;
beforeEach(() => {
  s3 = new FakeS3();
});

const sink = (signal = new AbortController().signal) => createS3Sink(s3.asClient(), RESULTS_BUCKET, source, signal);

describe('createS3Sink', () => {
  test.each([
    { name: 'bytes', body: () => Buffer.from('hello world') },
    { name: 'a stream of several chunks', body: () => Readable.from([Buffer.from('hello'), Buffer.from(' '), Buffer.from('world')]) },
  ])('stores $name under processed/<key>/<version>/ and returns size and checksum', async ({ body }) => {
    const record = await sink().write('out/rows.txt', body(), 'text/plain');
    const key = 'processed/incoming/orders/day 1.csv/v1/out/rows.txt';
    expect(record).toEqual({ key, bytes: 11, sha256: sha256('hello world'), contentType: 'text/plain' });
    expect(s3.read(RESULTS_BUCKET, key)).toBe('hello world');
  });

  test.each(['', '../escape', '/absolute', 'a//b', '.hidden', 'dir/.hidden', 'a b.txt', 'ü.txt', 'trailing/'])(
    'output name %j is rejected before anything is written',
    async (name) => {
      await expect(sink().write(name, Buffer.from('x'), 'text/plain')).rejects.toThrow(
        new RejectionError(`output name: must be relative path segments of [A-Za-z0-9._-], '${name}' given`),
      );
      expect(s3.calls).toEqual([]);
    },
  );

  test("the processor's own stream error wins over the upload's", async () => {
    const rejection = new RejectionError('csv: rows must be at most 1, more given');
    const body = new Readable({ read() {} });
    body.push('partial');
    setImmediate(() => body.destroy(rejection));
    await expect(sink().write('rows.txt', body, 'text/plain')).rejects.toBe(rejection);
  });

  test('an S3 failure is classified and names the output', async () => {
    s3.fail((command) => command instanceof PutObjectCommand, s3Error('InternalError', 500));
    await expect(sink().write('rows.txt', Buffer.from('x'), 'text/plain')).rejects.toThrow(
      new TransientError(`writing s3://${RESULTS_BUCKET}/processed/incoming/orders/day 1.csv/v1/rows.txt: InternalError (HTTP 500): InternalError`),
    );
  });

  test('the time budget aborting the signal ends an upload in progress', async () => {
    const controller = new AbortController();
    const body = new PassThrough();
    body.write('never ends');
    const written = sink(controller.signal).write('rows.txt', body, 'text/plain');
    setImmediate(() => controller.abort(new TransientError('time budget: aborted 100 ms before the Lambda timeout')));
    await expect(written).rejects.toThrow(
      new TransientError(`writing s3://${RESULTS_BUCKET}/processed/incoming/orders/day 1.csv/v1/rows.txt: AbortError: Upload aborted.`),
    );
    expect(s3.keys(RESULTS_BUCKET)).toEqual([]);
  });
});
