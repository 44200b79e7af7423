/**
 * An in-memory S3 that answers the commands the worker sends (GetObject, HeadObject, PutObject with
 * IfNoneMatch/IfMatch, PutObjectTagging), counts concurrency, and fails on demand. Unit tests only: the same
 * paths run against LocalStack in tests/integration.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';

interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly versionId: string | undefined;
  readonly contentType: string | undefined;
  /** Object tags, as PutObjectTagging last set them; a new PutObject starts without. */
  tags: Readonly<Record<string, string>>;
}

type Command = GetObjectCommand | HeadObjectCommand | PutObjectCommand | PutObjectTaggingCommand;
type Fault = { readonly when: (command: Command) => boolean; readonly error: Error; remaining: number };

export const s3Error = (name: string, status: number): Error => Object.assign(new Error(name), { name, Code: name, $metadata: { httpStatusCode: status } });

export class FakeS3 {
  readonly objects = new Map<string, StoredObject>();
  readonly calls: { name: string; bucket: string; key: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly faults: Fault[] = [];
  /** Delay per GetObject of an upload, so concurrency is observable. */
  getDelayMs = 0;
  readonly config = {
    endpoint: async () => ({ protocol: 'http:', hostname: 'fake-s3', path: '/' }),
    forcePathStyle: true,
    requestHandler: {},
    requestChecksumCalculation: async () => 'WHEN_REQUIRED',
  };

  put(bucket: string, key: string, body: string | Buffer, versionId?: string): StoredObject {
    const bytes = Buffer.from(body);
    const stored = { body: bytes, etag: `"${createHash('md5').update(bytes).digest('hex')}"`, versionId, contentType: undefined, tags: {} };
    this.objects.set(`${bucket}/${key}`, stored);
    return stored;
  }

  read(bucket: string, key: string): string | undefined {
    return this.objects.get(`${bucket}/${key}`)?.body.toString();
  }

  keys(bucket: string): string[] {
    return [...this.objects.keys()]
      .filter((key) => key.startsWith(`${bucket}/`))
      .map((key) => key.slice(bucket.length + 1))
      .sort();
  }

  /** The keys under `prefix` whose current object carries tag `name` = `value`. */
  tagged(bucket: string, prefix: string, name: string, value: string): string[] {
    return this.keys(bucket).filter((key) => key.startsWith(prefix) && this.objects.get(`${bucket}/${key}`)?.tags[name] === value);
  }

  /** The next `times` commands matching `when` throw `error`. */
  fail(when: (command: Command) => boolean, error: Error, times = 1): void {
    this.faults.push({ when, error, remaining: times });
  }

  asClient(): S3Client {
    return this as unknown as S3Client;
  }

  async send(command: Command): Promise<unknown> {
    const { Bucket = '', Key = '' } = command.input;
    this.calls.push({ name: command.constructor.name, bucket: Bucket, key: Key });
    const fault = this.faults.find((candidate) => candidate.remaining > 0 && candidate.when(command));
    if (fault !== undefined) {
      fault.remaining -= 1;
      throw fault.error;
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (command instanceof GetObjectCommand) return await this.get(command);
      if (command instanceof PutObjectCommand) return await this.putCommand(command);
      if (command instanceof HeadObjectCommand) return this.head(command);
      if (command instanceof PutObjectTaggingCommand) return this.tag(command);
      throw new Error(`FakeS3: unsupported command ${String(command)}`);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async get(command: GetObjectCommand) {
    const { Bucket, Key, VersionId, IfMatch } = command.input;
    if (this.getDelayMs > 0 && !Key?.startsWith('manifests/')) await new Promise((resolve) => setTimeout(resolve, this.getDelayMs));
    const stored = this.objects.get(`${Bucket}/${Key}`);
    if (stored === undefined) throw s3Error('NoSuchKey', 404);
    if (VersionId !== undefined && stored.versionId !== VersionId) throw s3Error('NoSuchVersion', 404);
    if (IfMatch !== undefined && IfMatch !== stored.etag) throw s3Error('PreconditionFailed', 412);
    const body = Object.assign(Readable.from([stored.body]), { transformToString: async () => stored.body.toString() });
    return { Body: body, ETag: stored.etag, ContentType: stored.contentType, VersionId: stored.versionId };
  }

  private head(command: HeadObjectCommand) {
    const stored = this.objects.get(`${command.input.Bucket}/${command.input.Key}`);
    if (stored === undefined) throw s3Error('NotFound', 404);
    return { ETag: stored.etag, VersionId: stored.versionId };
  }

  private tag(command: PutObjectTaggingCommand) {
    const stored = this.objects.get(`${command.input.Bucket}/${command.input.Key}`);
    if (stored === undefined) throw s3Error('NoSuchKey', 404);
    stored.tags = Object.fromEntries((command.input.Tagging?.TagSet ?? []).map(({ Key, Value }) => [Key ?? '', Value ?? '']));
    return {};
  }

  private async putCommand(command: PutObjectCommand) {
    const { Bucket, Key, Body, IfNoneMatch, IfMatch } = command.input;
    const existing = this.objects.get(`${Bucket}/${Key}`);
    if (IfNoneMatch === '*' && existing !== undefined) throw s3Error('PreconditionFailed', 412);
    if (IfMatch !== undefined && existing?.etag !== IfMatch) throw s3Error('PreconditionFailed', 412);
    const bytes = Body instanceof Readable ? await buffer(Body) : Buffer.from(Body as string | Uint8Array);
    const stored = this.put(Bucket ?? '', Key ?? '', bytes);
    return { ETag: stored.etag };
  }
}
