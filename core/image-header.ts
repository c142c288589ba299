// Images are opened with sharp (libvips) the same way everywhere: the runners decode with these
// settings and `emu-eval data check` reads headers with them, so a file the check passes is one a run
// can open, and a file it lists is one the run would turn into an error sample, for the same reason.
import sharp, { type FailOnOptions, type Sharp } from 'sharp';
import { SharedExclusiveLock } from './shared-exclusive-lock.js';

/**
 * Most pixels (width × height) an image may have: sharp's own default, written out so that every
 * reader applies the same one. libvips compares it with the header before allocating anything, so a
 * 177-byte PNG claiming 30000×30000 (2.5 GiB of pixels) is refused in about a millisecond.
 */
export const IMAGE_PIXEL_LIMIT = 0x3fff * 0x3fff;

/**
 * Bytes read to find an image's header: a JPEG's frame header (after its EXIF, ICC and XMP segments)
 * or a PNG's IHDR and ancillary chunks up to the first IDAT lie well inside this in camera and COCO
 * images. WebP, GIF and TIFF readers want the whole file, as do JPEGs with larger metadata.
 */
export const IMAGE_HEADER_BYTES = 64 * 1024;

/**
 * An image opened for decoding. `failOn` only concerns pixel data: a header that cannot be read, or
 * that claims more than IMAGE_PIXEL_LIMIT pixels, always fails.
 */
export function openImage(bytes: Buffer, failOn: FailOnOptions = 'error'): Sharp {
  return sharp(bytes, { failOn, limitInputPixels: IMAGE_PIXEL_LIMIT });
}

export interface ImageHeader {
  /** sharp's format name: jpeg, png, webp, gif, tiff, heif ... */
  format: string;
  width: number;
  height: number;
  /** EXIF orientation, 1–8; 5–8 swap width and height once applied. */
  orientation?: number;
}

/**
 * What an image's header says, without decoding a pixel. Rejects with the error decoding would give:
 * `Input Buffer is empty`, `Input buffer contains unsupported image format`, `Input buffer has
 * corrupt header: …` or `Input image exceeds pixel limit`. Given only the first bytes of a file, a
 * rejection may just mean the header goes on past them: read the whole file before concluding.
 */
export async function readImageHeader(bytes: Buffer): Promise<ImageHeader> {
  const { format, width, height, orientation } = await decodeImage(() => openImage(bytes).metadata());
  return { format, width, height, orientation };
}

/** A refusal that the first bytes already settle: reading more of the file cannot change it. */
export function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /exceeds pixel limit/.test(error.message);
}

/**
 * libvips keeps one error buffer for all its threads: decodes failing at the same time in one process
 * lose their messages ("Unknown error") or take each other's (a PNG blamed with a JPEG's error). Every
 * decode holds the shared side of this lock; explaining a failure repeats the decode alone, holding the
 * exclusive side, so the words reported are the decoder's for that file.
 */
const decodes = new SharedExclusiveLock();

/** Runs one sharp decode (header read, resize, conversion) of one image; see `decodes` above. */
export function decodeImage<Value>(decode: () => Promise<Value>): Promise<Value> {
  return decodes.shared(decode);
}

function decoderDetails(message: string): { summary?: string; first: string; details: string[] } {
  const [first = '', ...more] = message.split('\n');
  // sharp's summary ("Input buffer has corrupt header:") and then the decoder's lines.
  const split = /^(Input [^:]*:)\s*(.*)$/.exec(first);
  const details = [...new Set([split ? split[2] : first, ...more].map((line) => line.trim()).filter(Boolean))];
  return { summary: split?.[1], first, details };
}

/**
 * A header error in one line, with what it leaves out: libvips repeats its lines (`VipsJpeg: … /
 * VipsJpeg: …`), the pixel-limit error does not say how many pixels were claimed, and a cut-off PNG
 * gives no detail at all. `again` repeats the failed decode alone, for the decoder's own message.
 */
export async function explainImageError(error: unknown, bytes: Buffer, fileSize = bytes.length, again?: () => Promise<unknown>): Promise<string> {
  let message = String(error instanceof Error ? error.message : error);
  if (again) {
    const repeated = await decodes.exclusive(async () => {
      try {
        await again();
        return undefined;
      } catch (retryError) {
        return String(retryError instanceof Error ? retryError.message : retryError);
      }
    });
    if (repeated !== undefined) message = repeated;
  }
  const { summary, first, details } = decoderDetails(message);
  if (isPixelLimitError(error)) {
    const claimed = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined);
    if (!claimed?.width || !claimed.height) return first;
    return `${first}: the header says ${claimed.width}×${claimed.height} = ${megapixels(claimed.width * claimed.height)}, over the limit of ${megapixels(IMAGE_PIXEL_LIMIT)}`;
  }
  if (!summary) return details.join(' / ');
  return `${summary} ${details.length > 0 ? details.join(' / ') : `(no detail from the decoder; the file is ${fileSize} bytes)`}`;
}

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} Mpx`;
}
