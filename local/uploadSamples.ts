/**
 * Puts into LocalStack the objects that a sample event names, so that
 * `npx sls invoke local -f jobsWorker --stage local --path <event>` finds them:
 *
 *   npx tsx local/uploadSamples.ts events/batch.json
 *
 * Each `ObjectCreated` record names its bucket, key and ETag; the body uploaded is the file in
 * `samples/` whose MD5 is that ETag (a single-part upload's ETag), so the worker's
 * `IfMatch` read finds exactly that content. The events carry no `versionId`, as from an
 * unversioned bucket: a version id is S3's to choose, so no checked-in event could name one.
 * Uploading also notifies the queue, as on AWS; `npm run worker:local` would process them too.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localStackEnv } from './stack.js';

const SAMPLES_DIR = fileURLToPath(new URL('../samples/', import.meta.url));

export interface SampleObject {
  readonly bucket: string;
  /** Decoded, as stored in S3. */
  readonly key: string;
  readonly eTag: string;
  /** The file in samples/ with that content. */
  readonly file: string;
}

interface NotificationRecord {
  readonly eventName?: string;
  readonly s3?: { readonly bucket?: { readonly name?: string }; readonly object?: { readonly key?: string; readonly eTag?: string } };
}

/** S3 form-URL-encodes keys in notifications. */
const decodeKey = (encoded: string): string => decodeURIComponent(encoded.replace(/\+/g, ' '));

const parseBody = (body: string): NotificationRecord[] => {
  try {
    const parsed = JSON.parse(body) as { Records?: NotificationRecord[] };
    return Array.isArray(parsed.Records) ? parsed.Records : [];
  } catch {
    return []; // not an S3 notification (the batch has one on purpose)
  }
};

/** Every object an SQS event file's S3 `ObjectCreated` records name, matched to its sample file. */
export const sampleObjectsOf = async (eventFile: string): Promise<SampleObject[]> => {
  const event = JSON.parse(await readFile(eventFile, 'utf8')) as { Records: { body: string }[] };
  const byMd5 = new Map<string, string>();
  for (const name of await readdir(SAMPLES_DIR)) {
    const file = path.join(SAMPLES_DIR, name);
    byMd5.set(
      createHash('md5')
        .update(await readFile(file))
        .digest('hex'),
      file,
    );
  }
  const objects = event.Records.flatMap((message) => parseBody(message.body))
    .filter((record) => record.eventName?.startsWith('ObjectCreated:') === true)
    .map((record) => {
      const bucket = record.s3?.bucket?.name ?? '';
      const key = record.s3?.object?.key ?? '';
      const eTag = record.s3?.object?.eTag ?? '';
      const file = byMd5.get(eTag);
      if (file === undefined) throw new Error(`${eventFile}: no file in samples/ has the MD5 ${eTag} of ${key}`);
      return { bucket, key: decodeKey(key), eTag, file };
    });
  return [...new Map(objects.map((object) => [`${object.bucket}/${object.key}`, object])).values()];
};

/** Uploads them; returns what was uploaded with the version ids S3 gave. */
export const uploadSampleObjects = async (s3: S3Client, objects: readonly SampleObject[]): Promise<(SampleObject & { versionId?: string })[]> => {
  const uploaded = [];
  for (const object of objects) {
    const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: object.bucket, Key: object.key, Body: await readFile(object.file) }));
    uploaded.push({ ...object, ...(VersionId === undefined ? {} : { versionId: VersionId }) });
  }
  return uploaded;
};

const main = async (eventFile: string | undefined): Promise<void> => {
  if (eventFile === undefined) throw new Error('usage: npx tsx local/uploadSamples.ts <event file>, e.g. events/batch.json');
  for (const [key, value] of Object.entries(localStackEnv())) process.env[key] ??= value;
  const uploaded = await uploadSampleObjects(new S3Client({}), await sampleObjectsOf(eventFile));
  for (const object of uploaded) console.log(`s3://${object.bucket}/${object.key} ← ${path.relative(process.cwd(), object.file)}`);
};

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
