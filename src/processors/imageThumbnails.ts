/**
 * `image-thumbnails`: one WebP per configured width (`256.webp`, `1024.webp`), rotated by
 * EXIF and stripped of metadata. Checks run cheapest first: size while reading, magic bytes
 * against the extension, dimensions from the header, then the decode itself.
 * sharp (a 30 MB native module) is imported on first use, so CSV batches never load it.
 */
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { RejectionError } from '../errors.js';
import { formatOfKey, sniffImageFormat, type ImageFormat } from './image/format.js';
import { parseImageOptions, WEBP_MAX_SIDE, type ImageOptions } from './image/options.js';
import { readCapped } from './streams.js';
import type { Processor, ProcessorModule } from './types.js';

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp;

let sharpModule: Promise<SharpFactory> | undefined;
const loadSharp = (): Promise<SharpFactory> => (sharpModule ??= import('sharp').then((module) => module.default));

const checkFormat = (key: string, bytes: Buffer): ImageFormat => {
  const expected = formatOfKey(key);
  if (expected === undefined) throw new RejectionError(`image key: extension must be one of .jpg, .jpeg, .png, .webp, .avif, '${key}' given`);
  const actual = sniffImageFormat(bytes);
  if (actual !== expected) {
    throw new RejectionError(`image content: must be ${expected} as the extension says, ${actual ?? 'an unsupported format'} given`);
  }
  return expected;
};

/** sharp's own errors are about the file (truncated, corrupt, too big); say so in the rejection. */
const decodeRejection = (error: unknown): RejectionError =>
  new RejectionError(`image content: must decode cleanly, '${error instanceof Error ? error.message.trim() : String(error)}' given`, { error });

/** Header only; without sharp's pixel limit, so a bomb is rejected with its dimensions in the reason. */
const readMetadata = async (sharp: SharpFactory, bytes: Buffer): Promise<Metadata> => {
  try {
    return await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error: unknown) {
    throw decodeRejection(error);
  }
};

/** Rejects from the header alone, before a pixel bomb is decoded or a WebP encode must fail. */
const checkDimensions = (metadata: Metadata, options: ImageOptions): void => {
  // EXIF orientations 5–8 swap the sides after rotation.
  const swapped = (metadata.orientation ?? 1) >= 5;
  const width = swapped ? metadata.height : metadata.width;
  const height = swapped ? metadata.width : metadata.height;
  const pixels = width * height;
  if (!(pixels > 0) || pixels > options.maxInputPixels) {
    throw new RejectionError(`image dimensions: must be at most ${options.maxInputPixels} pixels, ${width}×${height} given`);
  }
  const tallest = Math.round((height * Math.min(Math.max(...options.widths), width)) / width);
  if (tallest > WEBP_MAX_SIDE) {
    throw new RejectionError(`image dimensions: thumbnails must be at most ${WEBP_MAX_SIDE} pixels high, ${width}×${height} given`);
  }
};

const thumbnail = async (image: Sharp, width: number, quality: number): Promise<Buffer> => {
  try {
    // `rotate()` without an angle applies the EXIF orientation; output has no metadata unless asked.
    return await image.clone().rotate().resize({ width, withoutEnlargement: true }).webp({ quality }).toBuffer();
  } catch (error: unknown) {
    throw decodeRejection(error);
  }
};

const processImage: Processor = async (input, context, sink) => {
  const options = parseImageOptions(context.options);
  const bytes = await readCapped(input, options.maxInputBytes, context.signal, 'image');
  checkFormat(context.source.key, bytes);
  const sharp = await loadSharp();
  // failOn 'error': truncated and corrupt files fail instead of yielding half-grey thumbnails.
  checkDimensions(await readMetadata(sharp, bytes), options);
  const image = sharp(bytes, { limitInputPixels: options.maxInputPixels, failOn: 'error', sequentialRead: true });
  const outputs = await Promise.all(
    options.widths.map(async (width) => {
      const body = await thumbnail(image, width, options.quality);
      context.signal.throwIfAborted();
      return sink.write(`${width}.webp`, body, 'image/webp');
    }),
  );
  return { counts: { images: 1, thumbnails: outputs.length } };
};

const imageThumbnails: ProcessorModule = { name: 'image-thumbnails', version: '1.0.0', process: processImage };
export default imageThumbnails;
