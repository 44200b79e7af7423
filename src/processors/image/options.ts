/** The `image-thumbnails` route options, their defaults and their checks. */
import { memoizeOptions, OptionReader } from '../options.js';

const MiB = 1024 ** 2;

/** WebP cannot encode a side longer than 16383 pixels. */
export const WEBP_MAX_SIDE = 16_383;

const imageDefaults = {
  widths: [256, 1024],
  /** The whole file is buffered for sharp, so this caps memory per image. */
  maxInputBytes: 50 * MiB,
  /**
   * Decoded pixels; 40 MP is 160 MB as RGBA, within a 1 GB Lambda with sharp's cache.
   * Checked from the header before decoding, and passed to sharp as `limitInputPixels`.
   */
  maxInputPixels: 40_000_000,
  quality: 80,
} as const;

export interface ImageOptions {
  readonly widths: readonly number[];
  readonly maxInputBytes: number;
  readonly maxInputPixels: number;
  readonly quality: number;
}

/** What a route writes in `options` (`src/config/routes.ts`): anything left out takes its default. */
export type ImageRouteOptions = Partial<ImageOptions>;

/** @example parseImageOptions({ widths: [128] }).quality === 80 */
export const parseImageOptions = memoizeOptions((raw): ImageOptions => {
  const read = new OptionReader('image-thumbnails', raw, Object.keys(imageDefaults));
  return {
    widths: read.integers('widths', imageDefaults.widths, 1, WEBP_MAX_SIDE),
    maxInputBytes: read.integer('maxInputBytes', imageDefaults.maxInputBytes, 1, 2 * 1024 * MiB),
    maxInputPixels: read.integer('maxInputPixels', imageDefaults.maxInputPixels, 1, 2 ** 32),
    quality: read.integer('quality', imageDefaults.quality, 1, 100),
  };
});
