// Valid images in every format the runners take, small and past the 64 KiB that `data check` reads
// first (core/image-header.ts): the large ones need the whole file (WebP, GIF, TIFF) or carry their
// size after 80 KiB of metadata (JPEG).
import sharp, { type Sharp } from 'sharp';
import { seededRandom } from '../../core/random.js';

function noise(width: number, height: number): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  // Uniform random bytes: noise no encoder can shrink much.
  const random = seededRandom(2463534242);
  for (let offset = 0; offset < pixels.length; offset++) pixels[offset] = Math.floor(random() * 256);
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/** A JPEG with `bytes` of APP15 segments between its start marker and its frame header. */
export function withMetadataBeforeFrame(jpeg: Buffer, bytes: number): Buffer {
  const segments: Buffer[] = [];
  for (let left = bytes; left > 0; left -= 40_000) {
    const length = Math.min(left, 40_000);
    const segment = Buffer.alloc(4 + length, 0x20);
    segment.writeUInt16BE(0xffef, 0);
    segment.writeUInt16BE(length + 2, 2);
    segments.push(segment);
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

export interface GoodImage {
  name: string;
  format: string;
  width: number;
  height: number;
  bytes: Buffer;
}

/** Each format small (48×32) and large (over 64 KiB); sharp's format names. */
export async function goodImages(): Promise<GoodImage[]> {
  const small = () => noise(48, 32);
  const large = () => noise(400, 300);
  const images: Array<Omit<GoodImage, 'width' | 'height'> & { size: [number, number] }> = [
    { name: 'jpeg', format: 'jpeg', size: [48, 32], bytes: await small().jpeg().toBuffer() },
    { name: 'png', format: 'png', size: [48, 32], bytes: await small().png().toBuffer() },
    { name: 'webp', format: 'webp', size: [48, 32], bytes: await small().webp().toBuffer() },
    { name: 'gif', format: 'gif', size: [48, 32], bytes: await small().gif().toBuffer() },
    { name: 'tiff', format: 'tiff', size: [48, 32], bytes: await small().tiff().toBuffer() },
    { name: 'avif', format: 'heif', size: [48, 32], bytes: await small().avif().toBuffer() },
    { name: 'large jpeg', format: 'jpeg', size: [400, 300], bytes: await large().jpeg({ quality: 95 }).toBuffer() },
    { name: 'jpeg with 80 KiB of metadata before its frame header', format: 'jpeg', size: [48, 32], bytes: withMetadataBeforeFrame(await small().jpeg().toBuffer(), 80_000) },
    { name: 'large png', format: 'png', size: [400, 300], bytes: await large().png().toBuffer() },
    { name: 'large webp', format: 'webp', size: [400, 300], bytes: await large().webp({ quality: 95 }).toBuffer() },
    { name: 'large gif', format: 'gif', size: [400, 300], bytes: await large().gif().toBuffer() },
    { name: 'large tiff', format: 'tiff', size: [400, 300], bytes: await large().tiff().toBuffer() },
  ];
  return images.map(({ size: [width, height], ...image }) => ({ ...image, width, height }));
}
