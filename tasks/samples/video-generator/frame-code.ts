import { Raster, type Rgb } from '../generator/raster.js';

// Each generated test frame carries its own index twice: as 12 black/white blocks a program reads
// back after decoding and resizing (lossy compression leaves the centre of a 16-pixel block intact),
// and as digits a person can read. Tests use it to check that frame i really is frame i.

export const CODE_BITS = 12;
const CODE_COLUMNS = 4;
const CODE_ROWS = 3;
const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

/** A frame of `size` × `size` showing `index` (0 … 4095) as code blocks over the top ¾ and digits below. */
export function frameWithCode(index: number, size = 64, background: Rgb = [90, 90, 90]): Raster {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** CODE_BITS) throw new RangeError(`frame code holds 0 … ${2 ** CODE_BITS - 1}, got ${index}`);
  const raster = new Raster(size, size, background);
  const block = size / CODE_COLUMNS;
  for (let bit = 0; bit < CODE_BITS; bit++) {
    const column = bit % CODE_COLUMNS;
    const row = Math.floor(bit / CODE_COLUMNS);
    raster.fillRectangle(Math.round(column * block), Math.round(row * block), Math.round(block), Math.round(block), (index >> bit) & 1 ? WHITE : BLACK);
  }
  const scale = Math.max(1, Math.floor(size / 64));
  raster.drawText(String(index), 2 * scale, Math.round(CODE_ROWS * block) + 2 * scale, scale, WHITE);
  return raster;
}

/** Reads the index back from raw RGB pixels of a (possibly resized) square frame. */
export function readFrameCode(pixels: Uint8Array, size: number, channels = 3): number {
  const block = size / CODE_COLUMNS;
  let index = 0;
  for (let bit = 0; bit < CODE_BITS; bit++) {
    const x = Math.floor(((bit % CODE_COLUMNS) + 0.5) * block);
    const y = Math.floor((Math.floor(bit / CODE_COLUMNS) + 0.5) * block);
    const offset = (y * size + x) * channels;
    const brightness = (pixels[offset]! + pixels[offset + 1]! + pixels[offset + 2]!) / 3;
    if (brightness > 128) index |= 1 << bit;
  }
  return index;
}
