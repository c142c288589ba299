// Images travel inside the request as base64 data URLs: the original bytes, or (--resize-images) a
// square JPEG at the protocol's resolution, so a server sees the pixels the protocol prescribes and
// the request carries no more bytes than the model will use.
import { DataError } from '../../core/errors.js';
import { decodeImage, openImage, readImageHeader } from '../../core/image-header.js';
import { readMedia } from '../../core/safe-path.js';
import type { MediaRef } from '../../core/contracts/task.js';
import { mediaIdentity, mediaPlace, mediaShortName } from '../../core/media-ref.js';

const JPEG_QUALITY = 95;

/** The formats every OpenAI-compatible vision server decodes, by their leading bytes. */
export function imageMimeType(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x38) return 'image/gif';
  const riff = Buffer.from(bytes.subarray(0, 4)).toString('latin1');
  const webp = Buffer.from(bytes.subarray(8, 12)).toString('latin1');
  if (riff === 'RIFF' && webp === 'WEBP') return 'image/webp';
  return undefined;
}

export interface ImageEncoderOptions {
  /** Square side to re-encode to; absent = send the original bytes. */
  size?: number;
  /** Budget of the memo of encoded images, in bytes (base64 ≈ 1.37 × the file size). */
  memoBytes?: number;
}

interface MemoEntry {
  url: Promise<Buffer>;
  bytes: number;
}

/**
 * Encodes images to data URLs, remembering recent ones: VQAv2 asks about five questions per image and a
 * retry resends the same image, so most encodings are reused. Concurrent requests for one image share
 * one read. The URL is kept as bytes, ready to be written into request bodies without another copy:
 * on these machines allocating and copying large strings costs more than the HTTP request itself.
 */
export class ImageEncoder {
  private readonly memo = new Map<string, MemoEntry>();
  private memoBytes = 0;
  private readonly budget: number;

  constructor(private readonly options: ImageEncoderOptions = {}) {
    this.budget = options.memoBytes ?? 64 * 1024 * 1024;
  }

  /** The image as a `data:<type>;base64,...` URL, in ASCII bytes. */
  dataUrl(ref: MediaRef): Promise<Buffer> {
    // A file by its path, inline bytes by their content hash.
    const key = mediaIdentity(ref);
    const known = this.memo.get(key);
    if (known) {
      // Most recently used goes last; eviction takes from the front.
      this.memo.delete(key);
      this.memo.set(key, known);
      return known.url;
    }
    const entry: MemoEntry = { url: this.encode(ref), bytes: 0 };
    this.memo.set(key, entry);
    entry.url.then(
      (url) => {
        if (this.memo.get(key) !== entry) return;
        entry.bytes = url.length;
        this.memoBytes += url.length;
        this.evict();
      },
      () => {
        if (this.memo.get(key) === entry) this.memo.delete(key);
      },
    );
    return entry.url;
  }

  private evict(): void {
    for (const [key, entry] of this.memo) {
      if (this.memoBytes <= this.budget) break;
      this.memo.delete(key);
      this.memoBytes -= entry.bytes;
    }
  }

  private async encode(ref: MediaRef): Promise<Buffer> {
    const bytes = await readMedia(ref);
    const mimeType = imageMimeType(bytes);
    if (!mimeType) {
      throw new DataError(`${mediaShortName(ref)} is not a JPEG, PNG, GIF or WebP image; OpenAI-compatible servers take images only (sample videos into frames first)`, mediaPlace(ref).file, mediaPlace(ref).field);
    }
    const size = this.options.size;
    if (size === undefined) return dataUrlBytes(mimeType, bytes);
    const header = await readImageHeader(bytes);
    if (header.width === size && header.height === size && mimeType === 'image/jpeg') return dataUrlBytes(mimeType, bytes);
    // Square bicubic resize, as Emu2 and CLIP-style encoders preprocess (docs/protocols.md#presets). sharp's
    // default failOn ('warning') as before: stricter than the ONNX path about damaged pixel data.
    const resized = await decodeImage(() => openImage(bytes, 'warning').resize(size, size, { fit: 'fill', kernel: 'cubic' }).jpeg({ quality: JPEG_QUALITY }).toBuffer());
    return dataUrlBytes('image/jpeg', resized);
  }
}

/** Once per image (the memo keeps it): ASCII bytes ready to splice into request bodies. */
function dataUrlBytes(mimeType: string, bytes: Buffer): Buffer {
  return Buffer.from(`data:${mimeType};base64,${bytes.toString('base64')}`, 'latin1');
}
