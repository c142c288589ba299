import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { ConfigError } from '../../../core/errors.js';
import { preprocessorConfigSchema } from '../../../runners/onnx/config.js';
import { CLIP_MEAN, CLIP_STD, preprocessImage, resizedSize, resolvePreprocessing } from '../../../runners/onnx/image-preprocess.js';

/** Emu2's preprocessing as a preprocessor_config.json would state it. */
const EMU2_PREPROCESSOR = {
  image_processor_type: 'CLIPImageProcessor',
  do_resize: true,
  size: { height: 448, width: 448 },
  resample: 3,
  do_center_crop: false,
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  do_convert_rgb: true,
};

const solid = (width: number, height: number, colour: { r: number; g: number; b: number; alpha?: number }, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: colour } }).png().toBuffer();

describe('preprocessor_config.json → preprocessing', () => {
  test("Emu2's square 448×448 bicubic resize with CLIP mean/std is expressible", () => {
    const preprocessing = resolvePreprocessing(preprocessorConfigSchema.parse(EMU2_PREPROCESSOR));
    assert.deepEqual(preprocessing.resize, { mode: 'exact', width: 448, height: 448 });
    assert.equal(preprocessing.kernel, 'cubic');
    assert.equal(preprocessing.crop, undefined);
    assert.deepEqual([preprocessing.width, preprocessing.height], [448, 448]);
    assert.deepEqual(preprocessing.mean, CLIP_MEAN);
    assert.deepEqual(preprocessing.std, CLIP_STD);
  });

  test('a non-square image is squashed to 448×448 and normalized per channel', async () => {
    const preprocessing = resolvePreprocessing(preprocessorConfigSchema.parse(EMU2_PREPROCESSOR));
    const colour = { r: 200, g: 100, b: 30 };
    const tensor = await preprocessImage(await solid(640, 360, colour), preprocessing);
    assert.equal(tensor.length, 3 * 448 * 448);
    const plane = 448 * 448;
    [colour.r, colour.g, colour.b].forEach((value, channel) => {
      const expected = (value / 255 - CLIP_MEAN[channel]) / CLIP_STD[channel];
      for (const pixel of [0, 1234, plane - 1]) assert.ok(Math.abs(tensor[channel * plane + pixel] - expected) < 1e-5);
    });
  });

  test('the resize follows the source layout: left half red stays left, in channel-major order', async () => {
    const width = 64;
    const pixels = Buffer.alloc(width * 32 * 3);
    for (let y = 0; y < 32; y++) for (let x = 0; x < width; x++) if (x < width / 2) pixels[(y * width + x) * 3] = 255;
    const image = await sharp(pixels, { raw: { width, height: 32, channels: 3 } }).png().toBuffer();
    const preprocessing = resolvePreprocessing(preprocessorConfigSchema.parse({ ...EMU2_PREPROCESSOR, size: { height: 16, width: 16 }, resample: 0, do_normalize: false }));
    const tensor = await preprocessImage(image, preprocessing);
    assert.equal(tensor[0], 1);
    assert.equal(tensor[15], 0);
    assert.equal(tensor[256], 0);
  });

  test('CLIP-style shortest edge + center crop, with Hugging Face size arithmetic', async () => {
    assert.deepEqual(resizedSize(640, 480, { mode: 'shortest-edge', size: 224 }), { width: 298, height: 224 });
    assert.deepEqual(resizedSize(300, 1000, { mode: 'shortest-edge', size: 224, longestEdge: 500 }), { width: 150, height: 500 });
    assert.deepEqual(resizedSize(1000, 300, { mode: 'longest-edge', size: 336 }), { width: 336, height: 100 });
    const clip = resolvePreprocessing(preprocessorConfigSchema.parse({ size: { shortest_edge: 224 }, crop_size: 224, do_center_crop: true, resample: 3 }));
    assert.deepEqual([clip.width, clip.height], [224, 224]);
    const tensor = await preprocessImage(await solid(640, 480, { r: 0, g: 0, b: 0 }), clip);
    assert.equal(tensor.length, 3 * 224 * 224);
    // An integer size means the shortest edge for center-cropping processors, a square otherwise.
    assert.deepEqual(resolvePreprocessing(preprocessorConfigSchema.parse({ size: 224, do_center_crop: true, crop_size: 224 })).resize, { mode: 'shortest-edge', size: 224 });
    assert.deepEqual(resolvePreprocessing(preprocessorConfigSchema.parse({ size: 64 })).resize, { mode: 'exact', width: 64, height: 64 });
  });

  test('grayscale and RGBA images become three channels; EXIF orientation is applied', async () => {
    const preprocessing = resolvePreprocessing(preprocessorConfigSchema.parse({ ...EMU2_PREPROCESSOR, size: { height: 8, width: 8 } }));
    const gray = await sharp({ create: { width: 10, height: 10, channels: 3, background: { r: 90, g: 90, b: 90 } } }).toColourspace('b-w').png().toBuffer();
    assert.equal((await sharp(gray).metadata()).channels, 1);
    assert.equal((await preprocessImage(gray, preprocessing)).length, 3 * 64);
    const rgba = await solid(10, 10, { r: 10, g: 20, b: 30, alpha: 0.5 }, 4);
    assert.equal((await preprocessImage(rgba, preprocessing)).length, 3 * 64);

    // A 40×20 landscape stored with orientation 6 displays as 20×40 portrait; center crop must see the portrait.
    const crop = resolvePreprocessing(preprocessorConfigSchema.parse({ size: { shortest_edge: 20 }, do_center_crop: true, crop_size: { height: 40, width: 20 }, do_normalize: false }));
    const landscape = await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 255, b: 255 } } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    assert.equal((await preprocessImage(landscape, crop)).length, 3 * 20 * 40);
  });

  test('configurations without one fixed output size are refused', () => {
    assert.throws(() => resolvePreprocessing(preprocessorConfigSchema.parse({ size: { shortest_edge: 224 } })), ConfigError);
    assert.throws(() => resolvePreprocessing(preprocessorConfigSchema.parse({ do_resize: false })), /one fixed image size/);
  });

  test('undecodable bytes are an error', async () => {
    const preprocessing = resolvePreprocessing(preprocessorConfigSchema.parse(EMU2_PREPROCESSOR));
    await assert.rejects(preprocessImage(Buffer.from('not an image'), preprocessing));
  });
});
