import { describe, expect, test } from 'vitest';
import { RejectionError, ServiceError, SupersededError, TransientError } from '../../src/errors.js';
import { classifyS3Error } from '../../src/storage/classifyS3Error.js';
import { s3Error } from '../helpers/fakeS3.js';

const ACTION = 'reading s3://uploads/incoming/a.csv';
const WHERE = { bucket: 'uploads', key: 'incoming/a.csv', versionId: 'v1' };

describe('classifyS3Error', () => {
  test.each([
    {
      name: 'NoSuchKey',
      error: s3Error('NoSuchKey', 404),
      type: RejectionError,
      message: `${ACTION}: NoSuchKey (HTTP 404): NoSuchKey; the object or version was deleted before processing`,
    },
    {
      name: 'NoSuchVersion',
      error: s3Error('NoSuchVersion', 404),
      type: RejectionError,
      message: `${ACTION}: NoSuchVersion (HTTP 404): NoSuchVersion; the object or version was deleted before processing`,
    },
    {
      name: 'NoSuchBucket',
      error: s3Error('NoSuchBucket', 404),
      type: RejectionError,
      message: `${ACTION}: NoSuchBucket (HTTP 404): NoSuchBucket; the object or version was deleted before processing`,
    },
    {
      name: 'any 404',
      error: s3Error('Whatever', 404),
      type: RejectionError,
      message: `${ACTION}: Whatever (HTTP 404): Whatever; the object or version was deleted before processing`,
    },
    {
      name: 'PreconditionFailed',
      error: s3Error('PreconditionFailed', 412),
      type: SupersededError,
      message: `${ACTION}: PreconditionFailed (HTTP 412): PreconditionFailed; the object was overwritten, its newer event will process it`,
    },
    {
      name: 'InvalidObjectState (archived)',
      error: s3Error('InvalidObjectState', 403),
      type: RejectionError,
      message: `${ACTION}: InvalidObjectState (HTTP 403): InvalidObjectState`,
    },
    { name: 'InvalidRange', error: s3Error('InvalidRange', 416), type: RejectionError, message: `${ACTION}: InvalidRange (HTTP 416): InvalidRange` },
    { name: 'S3 500', error: s3Error('InternalError', 500), type: TransientError, message: `${ACTION}: InternalError (HTTP 500): InternalError` },
    { name: 'throttling', error: s3Error('SlowDown', 503), type: TransientError, message: `${ACTION}: SlowDown (HTTP 503): SlowDown` },
    { name: 'access denied', error: s3Error('AccessDenied', 403), type: TransientError, message: `${ACTION}: AccessDenied (HTTP 403): AccessDenied` },
    {
      name: 'a network error (no HTTP status)',
      error: Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' }),
      type: TransientError,
      message: `${ACTION}: ECONNRESET: socket hang up`,
    },
    { name: 'something that is not an Error', error: 'boom', type: TransientError, message: `${ACTION}: Error: boom` },
  ])('$name → $type.name', ({ error, type, message }) => {
    const classified = classifyS3Error(error, ACTION, WHERE);
    expect(classified).toEqual(new type(message));
    expect(classified.cause).toEqual({ ...WHERE, error });
  });

  test('an error already in the failure model passes through unchanged', () => {
    const error = new RejectionError('csv: rows must be at most 1, more given');
    expect(classifyS3Error(error, ACTION, WHERE)).toBe(error);
  });

  test('the S3 error code wins over the name', () => {
    const error = Object.assign(new Error('gone'), { name: 'S3ServiceException', Code: 'NoSuchKey' });
    expect(classifyS3Error(error, ACTION, WHERE)).toBeInstanceOf(RejectionError);
  });

  test('every class is a ServiceError', () => {
    expect(classifyS3Error(s3Error('InternalError', 500), ACTION, WHERE)).toBeInstanceOf(ServiceError);
  });
});
