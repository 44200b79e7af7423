/**
 * Test images made with sharp at test time (no binaries checked in), plus hand-built PNG
 * headers for dimensions too large to render.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

export type TestFormat = 'jpeg' | 'png' | 'webp' | 'avif';

export interface ImageSpec {
  readonly width?: number;
  readonly height?: number;
  readonly format?: TestFormat;
  /** EXIF orientation 1–8 (JPEG only here). */
  readonly orientation?: number;
}

/** A gradient-free but non-uniform image, so encoders do real work. */
export const makeImage = async ({ width = 640, height = 480, format = 'jpeg', orientation }: ImageSpec = {}): Promise<Buffer> => {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } }).composite([
    {
      input: { create: { width: Math.max(1, width >> 1), height: Math.max(1, height >> 2), channels: 3, background: { r: 10, g: 120, b: 250 } } },
      left: 0,
      top: 0,
    },
  ]);
  const withExif = orientation === undefined ? image : image.withMetadata({ orientation });
  return withExif.toFormat(format).toBuffer();
};

const chunk = (type: string, data: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A valid PNG header claiming `width`×`height`, with no pixel data: a pixel bomb's signature. */
export const pngHeaderOnly = (width: number, height: number): Buffer => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.alloc(0)), chunk('IEND', Buffer.alloc(0))]);
};

/** The first `fraction` of a file, as an interrupted upload would leave it. */
export const truncate = (bytes: Buffer, fraction: number): Buffer => bytes.subarray(0, Math.floor(bytes.length * fraction));
