/** Keys with spaces, `+` and non-ASCII letters, end to end; and the notification fixtures captured from LocalStack. */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { decodeS3Key } from '../../src/middleware/parseS3Notifications.js';
import type { Manifest } from '../../src/storage/manifestStore.js';
import { makeImage } from '../helpers/images.js';
import { ordersCsv } from '../helpers/orders.js';
import { depth, purge, put, runId, s3 } from './helpers/aws.js';
import { FIXTURE_KEY, FIXTURES, readFixture, shapeOf, updating, writeFixture } from './helpers/fixtures.js';
import { encodedKeysOf, readManifest, takeNotifications } from './helpers/results.js';
import { startWorker } from './helpers/worker.js';

const stack = inject('stack');

describe('awkward keys are processed under their exact names', () => {
  const run = runId();
  const keys = [
    `incoming/orders/${run}/ä b+c.csv`,
    `incoming/orders/${run}/with  two spaces.csv`,
    `incoming/orders/${run}/1+1=2 %25 (copy).csv`,
    `incoming/orders/${run}/日本語/ünïcödé 😀.csv`,
    `incoming/images/${run}/ä b+c.jpg`,
  ];
  const manifests = new Map<string, Manifest | undefined>();

  beforeAll(async () => {
    await purge(stack.QueueUrl, stack.DeadLetterQueueUrl);
    const image = await makeImage({ width: 300, height: 200 });
    for (const key of keys) await put(stack.UploadBucketName, key, key.endsWith('.jpg') ? image : ordersCsv([{}]));
    const worker = await startWorker({ stack });
    await worker.runUntil(
      'a manifest for every key',
      async () => {
        for (const key of keys) manifests.set(key, await readManifest(stack, key));
        return [...manifests.values()].every((manifest) => manifest !== undefined);
      },
      60_000,
    );
  });

  test.each(keys)('%s', (key) => {
    const manifest = manifests.get(key);
    expect(manifest).toMatchObject({ status: 'processed', source: { key } });
    expect(manifest?.outputs.length).toBeGreaterThan(0);
    for (const output of manifest?.outputs ?? []) expect(output.key.startsWith(`processed/${key}/`)).toBe(true);
  });
});

describe('LocalStack notification bodies match the captured fixtures', () => {
  test(`ObjectCreated:Put for '${FIXTURE_KEY}'`, async () => {
    await purge(stack.QueueUrl);
    await put(stack.UploadBucketName, FIXTURE_KEY, ordersCsv([{}]));
    const body = (await takeNotifications(stack.QueueUrl, 1))[0]?.Body ?? '';
    expect(encodedKeysOf(body).map(decodeS3Key)).toEqual([FIXTURE_KEY]);
    if (updating) await writeFixture(FIXTURES.objectCreated, body);
    const fixture = await readFixture(FIXTURES.objectCreated);
    expect(encodedKeysOf(JSON.stringify(fixture))).toEqual(encodedKeysOf(body));
    expect(shapeOf(fixture)).toEqual(shapeOf(JSON.parse(body)));
  });

  test('s3:TestEvent, sent when the notification configuration is written', async () => {
    await purge(stack.QueueUrl);
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: stack.UploadBucketName }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: stack.UploadBucketName,
        NotificationConfiguration: { QueueConfigurations: config.QueueConfigurations ?? [] },
      }),
    );
    const body = (await takeNotifications(stack.QueueUrl, 1))[0]?.Body ?? '';
    expect(JSON.parse(body)).toMatchObject({ Event: 's3:TestEvent', Bucket: stack.UploadBucketName });
    if (updating) await writeFixture(FIXTURES.testEvent, body);
    expect(shapeOf(await readFixture(FIXTURES.testEvent))).toEqual(shapeOf(JSON.parse(body)));
    expect(await depth(stack.QueueUrl)).toBe(0);
  });
});
