/** (c) Thumbnails per second: the image-thumbnails processor against a bare sharp resize. */
import { Readable } from 'node:stream';
import sharp from 'sharp';
import imageThumbnails from '../../src/processors/imageThumbnails.js';
import { DiscardSink } from './discardSink.js';

const WIDTHS = [256, 1024] as const;

export interface ThumbnailRate {
  readonly name: string;
  readonly perSecond: number;
}

/** Photo-sized JPEGs with some texture (a flat colour would make decoding unrealistically cheap). */
export const makeJpegs = async (count: number, width = 3000, height = 2000): Promise<Buffer[]> => {
  const noise = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 85 })
    .toBuffer();
  // Re-encode at different qualities so each input is distinct bytes.
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp(noise)
        .jpeg({ quality: 70 + (i % 20) })
        .toBuffer(),
    ),
  );
};

const bare = async (image: Buffer): Promise<void> => {
  await Promise.all(WIDTHS.map((width) => sharp(image).rotate().resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer()));
};

const processor = async (image: Buffer): Promise<void> => {
  const context = {
    source: { bucket: 'bench', key: 'incoming/images/photo.jpg', size: image.length, sequencer: '0' },
    options: { widths: [...WIDTHS] },
    signal: new AbortController().signal,
  };
  await imageThumbnails.process(Readable.from([image]), context, new DiscardSink());
};

const rate = async (name: string, images: readonly Buffer[], one: (image: Buffer) => Promise<void>): Promise<ThumbnailRate> => {
  const start = performance.now();
  for (const image of images) await one(image);
  return { name, perSecond: (images.length * WIDTHS.length) / ((performance.now() - start) / 1000) };
};

/** Interleaved rounds, best of each, so a noisy neighbour hurts both sides alike. */
export const thumbnailRates = async (images: readonly Buffer[], rounds = 3): Promise<ThumbnailRate[]> => {
  await processor(images[0] ?? Buffer.alloc(0)); // loads sharp and warms its caches
  const best = new Map<string, ThumbnailRate>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, one] of [
      ['bare sharp resize', bare],
      ['image-thumbnails', processor],
    ] as const) {
      const result = await rate(name, images, one);
      if ((best.get(name)?.perSecond ?? 0) < result.perSecond) best.set(name, result);
    }
  }
  return [...best.values()];
};
