import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeImage, explainImageError, IMAGE_HEADER_BYTES, IMAGE_PIXEL_LIMIT, openImage, readImageHeader } from '../../core/image-header.js';
import { preprocessImage, type ImagePreprocessing } from '../../runners/onnx/image-preprocess.js';
import { goodImages } from '../helpers/images.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad/images');
const fixture = (name: string) => readFileSync(path.join(fixtures, name));
const preprocessing: ImagePreprocessing = { resize: { mode: 'exact', width: 8, height: 8 }, kernel: 'cubic', rescale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], width: 8, height: 8 };

const rejection = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error as Error,
  );

describe('image headers', () => {
  it('reads the format and size of every format the runners take, small and large', async () => {
    for (const image of await goodImages()) {
      assert.deepEqual(await readImageHeader(image.bytes).then(({ format, width, height }) => ({ format, width, height })), { format: image.format, width: image.width, height: image.height }, image.name);
      if (image.name.startsWith('large') || image.name.includes('metadata')) assert.ok(image.bytes.length > IMAGE_HEADER_BYTES, `${image.name}: ${image.bytes.length} bytes`);
    }
  });

  it('finds a JPEG or PNG header in the first IMAGE_HEADER_BYTES; a JPEG whose frame header lies past them needs the whole file', async () => {
    const images = await goodImages();
    const byName = (name: string) => images.find((image) => image.name === name)!.bytes;
    for (const name of ['large jpeg', 'large png']) assert.equal((await readImageHeader(byName(name).subarray(0, IMAGE_HEADER_BYTES))).width, 400, name);
    await assert.rejects(readImageHeader(byName('jpeg with 80 KiB of metadata before its frame header').subarray(0, IMAGE_HEADER_BYTES)), /corrupt header/);
  });

  it('refuses each bad header with the error the ONNX preprocessing (the run) gives for the same bytes', async () => {
    const cases: Array<[string, RegExp]> = [
      ['empty.jpg', /^Input Buffer is empty$/],
      ['not-an-image.jpg', /^Input buffer contains unsupported image format$/],
      ['truncated-header.jpg', /^Input buffer has corrupt header: VipsJpeg: premature end of JPEG image/],
      ['truncated-header.png', /^Input buffer has corrupt header:/],
      ['corrupt.jpg', /^Input buffer has corrupt header: VipsJpeg: Unsupported marker type 0x20/],
      ['bomb-30000x30000.png', /^Input image exceeds pixel limit$/],
    ];
    for (const [name, expected] of cases) {
      const header = await rejection(readImageHeader(fixture(name)));
      const decode = await rejection(preprocessImage(fixture(name), preprocessing));
      assert.match(header.message, expected, name);
      assert.equal(header.message, decode.message, name);
    }
  });

  it('refuses the decompression bomb from its header, in milliseconds', async () => {
    await readImageHeader(fixture('cmyk.jpg'));
    const started = performance.now();
    await assert.rejects(readImageHeader(fixture('bomb-30000x30000.png')), /exceeds pixel limit/);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `${elapsed.toFixed(1)} ms`);
    assert.equal(IMAGE_PIXEL_LIMIT, 268_402_689);
  });

  it('explains a header error in one line', async () => {
    const explain = async (name: string) => explainImageError(await rejection(readImageHeader(fixture(name))), fixture(name));
    assert.equal(await explain('bomb-30000x30000.png'), 'Input image exceeds pixel limit: the header says 30000×30000 = 900.0 Mpx, over the limit of 268.4 Mpx');
    // libvips repeats its lines; once each is enough.
    assert.equal(await explain('corrupt.jpg'), 'Input buffer has corrupt header: VipsJpeg: Unsupported marker type 0x20');
    assert.equal(await explain('truncated-header.png'), 'Input buffer has corrupt header: (no detail from the decoder; the file is 20 bytes)');
    assert.equal(await explain('empty.jpg'), 'Input Buffer is empty');
  });

  it('gives each of many images failing at once its own decoder message (libvips shares one error buffer)', async () => {
    const names = ['truncated.png', 'truncated.jpg', 'corrupt.jpg', 'truncated-header.jpg', 'truncated-header.png', 'not-an-image.jpg', 'empty.jpg'];
    const decode = async (bytes: Buffer) => openImage(bytes).raw().toBuffer();
    const alone = new Map<string, string>();
    for (const name of names) alone.set(name, await explainImageError(await rejection(decode(fixture(name))), fixture(name)));
    const together = await Promise.all(
      Array.from({ length: 6 }, () => names).flat().map(async (name) => {
        const bytes = fixture(name);
        const error = await rejection(decodeImage(() => decode(bytes)));
        return [name, await explainImageError(error, bytes, bytes.length, () => decode(bytes))] as const;
      }),
    );
    for (const [name, message] of together) assert.equal(message, alone.get(name), name);
  });
});
