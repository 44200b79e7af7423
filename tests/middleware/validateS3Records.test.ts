import { describe, expect, test } from 'vitest';
import { routes } from '../../src/config/routes.js';
import { type ValidateOptions, validateObject, validateS3Records } from '../../src/middleware/validateS3Records.js';
import { parseS3Notifications } from '../../src/middleware/parseS3Notifications.js';
import { unmappedManifestKey } from '../../src/storage/resultKeys.js';
import type { SourceObject } from '../../src/types.js';
import {
  FIRST_DELIVERY,
  TEST_EVENT_BODY,
  UPLOAD_BUCKET,
  batchRequest,
  s3NotificationBody,
  s3RecordFactory,
  sqsEvent,
  sqsRecordFactory,
} from '../helpers/events.js';
import { sourceObject } from '../helpers/processorRun.js';

const options: ValidateOptions = { uploadBucket: UPLOAD_BUCKET, routes, maxObjectBytes: 1000 };
const created = (overrides: Partial<SourceObject>) => ({
  eventName: 'ObjectCreated:Put',
  source: sourceObject({ bucket: UPLOAD_BUCKET, size: 10, ...overrides }),
  delivery: FIRST_DELIVERY,
});

describe('validateObject', () => {
  test.each([
    { name: 'a CSV upload', key: 'incoming/orders/day.csv', route: 'orders' },
    { name: 'a suffix in another case', key: 'incoming/images/IMG_0001.JPG', route: 'images' },
  ])('$name is routed, its manifest under its key', ({ key, route }) => {
    const object = created({ key });
    expect(validateObject(object, options)).toEqual({
      kind: 'routed',
      source: object.source,
      route: routes.find((r) => r.id === route),
      manifestKey: `manifests/${key}.json`,
      delivery: FIRST_DELIVERY,
    });
  });

  test('an event type that is not routed is skipped', () => {
    const object = { eventName: 'ObjectRemoved:Delete', source: sourceObject({ bucket: UPLOAD_BUCKET }), delivery: FIRST_DELIVERY };
    expect(validateObject(object, options)).toEqual({ kind: 'skipped', source: object.source, reason: "event 'ObjectRemoved:Delete' is not routed" });
  });

  test.each([
    {
      name: 'no route',
      object: { key: 'incoming/other/a.csv' },
      reason:
        "key: matches no route (orders: incoming/orders/*{.csv,.csv.gz}; images: incoming/images/*{.jpg,.jpeg,.png,.webp,.avif}; logs: incoming/logs/*{.log,.jsonl,.ndjson,.gz}; suffixes in any case), 'incoming/other/a.csv' given",
      manifestKey: 'manifests/incoming/other/a.csv.json',
    },
    {
      name: 'too large',
      object: { size: 1001 },
      reason: 'size: must be at most 1000 bytes, 1001 given',
      manifestKey: 'manifests/incoming/orders/day.csv.json',
    },
    {
      name: 'another bucket',
      object: { bucket: 'other' },
      reason: `bucket: must be the upload bucket '${UPLOAD_BUCKET}', 'other' given`,
      manifestKey: unmappedManifestKey({ bucket: 'other', key: 'incoming/orders/day.csv' }),
    },
    {
      name: 'an unsafe key',
      object: { key: 'incoming/orders/../x.csv' },
      reason: "key: must not contain '.' or '..' segments, 'incoming/orders/../x.csv' given",
      manifestKey: unmappedManifestKey({ bucket: UPLOAD_BUCKET, key: 'incoming/orders/../x.csv' }),
    },
    // The first failed check decides: the bucket before the size.
    {
      name: 'too large in another bucket',
      object: { bucket: 'other', size: 5000 },
      reason: `bucket: must be the upload bucket '${UPLOAD_BUCKET}', 'other' given`,
      manifestKey: expect.stringMatching(/^manifests\/_unmapped\//),
    },
  ])('$name is rejected', ({ object, reason, manifestKey }) => {
    const parsed = created(object);
    expect(validateObject(parsed, options)).toEqual({ kind: 'rejected', source: parsed.source, reason, manifestKey, delivery: FIRST_DELIVERY });
  });
});

describe('validateS3Records', () => {
  test('makes one task per object, in order, across messages', () => {
    const request = batchRequest(
      sqsEvent(
        sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/orders/a.csv' }), s3RecordFactory({ key: 'incoming/orders/b.txt' }))),
        sqsRecordFactory(TEST_EVENT_BODY),
        sqsRecordFactory('not json'),
        sqsRecordFactory(s3NotificationBody(s3RecordFactory({ key: 'incoming/orders/c.csv', eventName: 'ObjectRemoved:Delete' }))),
      ),
    );
    parseS3Notifications().before?.(request);
    validateS3Records(options).before?.(request);
    expect(request.context.tasks?.map((task) => [task.kind, task.source.key])).toEqual([
      ['routed', 'incoming/orders/a.csv'],
      ['rejected', 'incoming/orders/b.txt'],
      ['skipped', 'incoming/orders/c.csv'],
    ]);
  });

  test('without parsed messages it fails loudly instead of acknowledging the batch', () => {
    expect(() => validateS3Records(options).before?.(batchRequest(sqsEvent()))).toThrow(
      'validateS3Records: no parsed messages; use parseS3Notifications before it',
    );
  });
});
