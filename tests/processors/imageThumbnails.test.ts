import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { ConfigError, RejectionError } from '../../src/errors.js';
import imageThumbnails from '../../src/processors/imageThumbnails.js';
import { sniffImageFormat } from '../../src/processors/image/format.js';
import { makeImage, pngHeaderOnly, truncate, type TestFormat } from '../helpers/images.js';
import type { MemorySink } from '../helpers/memorySink.js';
import { runProcessor } from '../helpers/processorRun.js';

const WIDTHS = { widths: [64, 256] } as const;
const run = (key: string, bytes: Buffer, options: Readonly<Record<string, unknown>> = WIDTHS) => runProcessor(imageThumbnails, key, bytes, options);

const thumbnailMetadata = (sink: MemorySink, name: string) => sharp(sink.body(name)).metadata();

describe('image-thumbnails: accepted images', () => {
  test.each<[string, TestFormat]>([
    ['a.jpg', 'jpeg'],
    ['a.JPEG', 'jpeg'],
    ['a.png', 'png'],
    ['a.webp', 'webp'],
    ['a.avif', 'avif'],
  ])('%s gives one WebP per width, without metadata', async (key, format) => {
    const { summary, sink } = await run(key, await makeImage({ width: 400, height: 300, format }));
    expect(summary.counts).toEqual({ images: 1, thumbnails: 2 });
    expect(sink.names()).toEqual(['256.webp', '64.webp']);
    const meta = await thumbnailMetadata(sink, '256.webp');
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 192 });
    expect(meta.exif).toBeUndefined();
    expect(sink.outputs.get('64.webp')?.contentType).toBe('image/webp');
  });

  test('EXIF orientation 6 is applied: a 400×300 landscape becomes portrait', async () => {
    const { sink } = await run('a.jpg', await makeImage({ width: 400, height: 300, orientation: 6 }));
    expect(await thumbnailMetadata(sink, '256.webp')).toMatchObject({ width: 256, height: 341 });
  });

  test('a small image is not enlarged', async () => {
    const { sink } = await run('a.png', await makeImage({ width: 100, height: 50, format: 'png' }));
    expect(await thumbnailMetadata(sink, '256.webp')).toMatchObject({ width: 100, height: 50 });
  });
});

describe('image-thumbnails: rejected images', () => {
  let jpeg: Buffer;
  beforeAll(async () => {
    jpeg = await makeImage({ width: 1200, height: 900 });
  });

  test.each<[string, string, () => Buffer | Promise<Buffer>, Record<string, unknown>, RegExp]>([
    ['wrong extension', 'a.png', () => jpeg, {}, /image content: must be png as the extension says, jpeg given/],
    [
      'unsupported format',
      'a.jpg',
      () =>
        sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
          .gif()
          .toBuffer(),
      {},
      /must be jpeg as the extension says, an unsupported format given/,
    ],
    ['text posing as an image', 'a.webp', () => Buffer.from('RIFF....not an image'), {}, /an unsupported format given/],
    ['unsupported extension', 'a.gif', () => jpeg, {}, /image key: extension must be one of \.jpg/],
    ['truncated JPEG', 'a.jpg', () => truncate(jpeg, 0.5), {}, /image content: must decode cleanly, '.*(premature end|truncated)/i],
    [
      'truncated PNG',
      'a.png',
      async () => truncate(await makeImage({ width: 600, height: 400, format: 'png' }), 0.6),
      {},
      /image content: must decode cleanly/,
    ],
    ['pixel bomb', 'a.png', () => pngHeaderOnly(100_000, 100_000), {}, /image dimensions: must be at most 40000000 pixels, 100000×100000 given/],
    ['pixels over maxInputPixels', 'a.jpg', () => jpeg, { maxInputPixels: 1_000_000 }, /must be at most 1000000 pixels, 1200×900 given/],
    [
      'huge dimensions for WebP',
      'a.png',
      async () => makeImage({ width: 100, height: 20_000, format: 'png' }),
      {},
      /thumbnails must be at most 16383 pixels high, 100×20000 given/,
    ],
    ['input over maxInputBytes', 'a.jpg', () => jpeg, { maxInputBytes: 1000 }, /image: size must be at most 1000 bytes, more given/],
    ['empty file', 'a.jpg', () => Buffer.alloc(0), {}, /an unsupported format given/],
  ])('%s', async (_name, key, bytes, options, message) => {
    const input = await bytes();
    await expect(run(key, input, { ...WIDTHS, ...options })).rejects.toThrow(message);
    await expect(run(key, input, { ...WIDTHS, ...options })).rejects.toBeInstanceOf(RejectionError);
  });

  test.each([
    [{ widths: [] }, "image-thumbnails options.widths: must be a non-empty list of distinct integers between 1 and 16383, '[]' given"],
    [{ widths: [100, 100] }, /options.widths: must be a non-empty list/],
    [{ widths: [20_000] }, /options.widths/],
    [{ quality: 0 }, "image-thumbnails options.quality: must be an integer between 1 and 100, '0' given"],
    [{ width: [1] }, /options.width: must be one of widths, maxInputBytes/],
  ])('options %j are a ConfigError', async (options, message) => {
    await expect(run('a.jpg', jpeg, options)).rejects.toThrow(message);
    await expect(run('a.jpg', jpeg, options)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('sniffImageFormat', () => {
  test.each<[TestFormat]>([['jpeg'], ['png'], ['webp'], ['avif']])('%s', async (format) => {
    expect(sniffImageFormat(await makeImage({ width: 16, height: 16, format }))).toBe(format);
  });

  test.each([
    ['too short', Buffer.from([0xff, 0xd8])],
    ['HEIC ftyp', Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1')],
    ['empty', Buffer.alloc(0)],
  ])('%s is not a supported format', (_name, bytes) => {
    expect(sniffImageFormat(bytes)).toBeUndefined();
  });
});
