/**
 * parseMessage on notification bodies LocalStack really delivered (captured by
 * tests/integration/keys.test.ts into tests/fixtures/localstack/), not hand-written ones.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseMessage } from '../../src/middleware/parseS3Notifications.js';
import { sqsRecordFactory } from '../helpers/events.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/localstack/${name}`, import.meta.url), 'utf8');

describe('captured LocalStack notifications', () => {
  test('ObjectCreated:Put for a key with a space, a + and non-ASCII letters decodes to the exact key', () => {
    const body = fixture('object-created-put.json');
    expect(parseMessage(sqsRecordFactory(body))).toMatchObject({
      kind: 'objects',
      objects: [
        {
          eventName: 'ObjectCreated:Put',
          source: {
            key: 'incoming/orders/fixture/ä b+c.csv',
            versionId: expect.any(String),
            eTag: expect.stringMatching(/^[0-9a-f]{32}$/),
            sequencer: expect.stringMatching(/^[0-9A-F]+$/),
          },
        },
      ],
    });
  });

  test('s3:TestEvent is acknowledged without objects', () => {
    expect(parseMessage(sqsRecordFactory(fixture('s3-test-event.json')))).toMatchObject({ kind: 'acknowledged', note: 's3:TestEvent acknowledged' });
  });
});
