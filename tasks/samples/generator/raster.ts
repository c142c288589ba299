import sharp from 'sharp';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows } from './bitmap-font.js';

export type Rgb = readonly [number, number, number];

/** A small RGB canvas drawn pixel by pixel, encoded with sharp. */
export class Raster {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRectangle(0, 0, width, height, background);
  }

  setPixel(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const offset = (Math.floor(y) * this.width + Math.floor(x)) * 3;
    this.pixels[offset] = color[0];
    this.pixels[offset + 1] = color[1];
    this.pixels[offset + 2] = color[2];
  }

  fillRectangle(left: number, top: number, width: number, height: number, color: Rgb): void {
    for (let y = top; y < top + height; y++) for (let x = left; x < left + width; x++) this.setPixel(x, y, color);
  }

  fillCircle(centerX: number, centerY: number, radius: number, color: Rgb): void {
    for (let y = Math.floor(centerY - radius); y <= centerY + radius; y++) {
      for (let x = Math.floor(centerX - radius); x <= centerX + radius; x++) {
        if ((x + 0.5 - centerX) ** 2 + (y + 0.5 - centerY) ** 2 <= radius * radius) this.setPixel(x, y, color);
      }
    }
  }

  /** An upward-pointing isosceles triangle inside the square of side `size` centred on (centerX, centerY). */
  fillTriangle(centerX: number, centerY: number, size: number, color: Rgb): void {
    const top = centerY - size / 2;
    for (let row = 0; row < size; row++) {
      const halfWidth = ((row + 1) / size) * (size / 2);
      for (let x = Math.floor(centerX - halfWidth); x < centerX + halfWidth; x++) this.setPixel(x, top + row, color);
    }
  }

  /** Draws text in the bitmap font, each font pixel `scale` pixels wide, one blank column between glyphs. */
  drawText(text: string, left: number, top: number, scale: number, color: Rgb): void {
    let cursor = left;
    for (const character of text) {
      glyphRows(character).forEach((row, rowIndex) => {
        row.forEach((ink, columnIndex) => {
          if (ink) this.fillRectangle(cursor + columnIndex * scale, top + rowIndex * scale, scale, scale, color);
        });
      });
      cursor += (GLYPH_WIDTH + 1) * scale;
    }
  }

  static textWidth(text: string, scale: number): number {
    return text.length * (GLYPH_WIDTH + 1) * scale - scale;
  }

  static textHeight(scale: number): number {
    return GLYPH_HEIGHT * scale;
  }

  async toJpeg(options: { quality?: number; blur?: number } = {}): Promise<Buffer> {
    let image = sharp(Buffer.from(this.pixels), { raw: { width: this.width, height: this.height, channels: 3 } });
    if (options.blur) image = image.blur(options.blur);
    return image.jpeg({ quality: options.quality ?? 80, chromaSubsampling: '4:2:0' }).toBuffer();
  }

  /** Lossless, for datasets distributed as PNG (Hateful Memes). */
  async toPng(): Promise<Buffer> {
    return sharp(Buffer.from(this.pixels), { raw: { width: this.width, height: this.height, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
  }
}
