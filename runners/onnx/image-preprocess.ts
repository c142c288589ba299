// Image preprocessing with sharp, following a Hugging Face preprocessor_config.json: resize (exact size,
// shortest edge or longest edge), optional center crop, rescale and per-channel mean/std, producing a
// float32 CHW tensor. Emu2's setting is a square 448×448 bicubic resize with CLIP's mean and std.
// sharp (libvips) and PIL resample with the same kernels but not bit-identically: expect pixel values
// within a few levels of the Python reference, not equality.
import { ConfigError } from '../../core/errors.js';
import { decodeImage, openImage } from '../../core/image-header.js';
import type { PreprocessorConfigFile } from './config.js';

type Kernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';
type Triple = [number, number, number];

export interface ImagePreprocessing {
  resize?: { mode: 'exact'; width: number; height: number } | { mode: 'shortest-edge'; size: number; longestEdge?: number } | { mode: 'longest-edge'; size: number };
  kernel: Kernel;
  crop?: { width: number; height: number };
  rescale: number;
  mean: Triple;
  std: Triple;
  /** Output size; every image of a model has the same, so a batch stacks into one tensor. */
  width: number;
  height: number;
}

/** PIL resampling codes → sharp kernels. PIL's BOX and HAMMING have no sharp equivalent; linear is closest. */
const KERNELS: Record<number, Kernel> = { 0: 'nearest', 1: 'lanczos3', 2: 'linear', 3: 'cubic', 4: 'linear', 5: 'linear' };
export const CLIP_MEAN: Triple = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: Triple = [0.26862954, 0.26130258, 0.27577711];

export function resolvePreprocessing(config: PreprocessorConfigFile, file = 'preprocessor_config.json'): ImagePreprocessing {
  const resize = config.do_resize === false || config.size === undefined ? undefined : resizeFrom(config.size, config.do_center_crop === true);
  const crop = config.do_center_crop === true && config.crop_size !== undefined ? cropFrom(config.crop_size, file) : undefined;
  const outputSize = crop ?? (resize?.mode === 'exact' ? resize : undefined);
  if (!outputSize) {
    throw new ConfigError(`${file}: the vision encoder needs one fixed image size, but this configuration keeps each image's aspect ratio without a center crop (size ${JSON.stringify(config.size)})`);
  }
  const normalize = config.do_normalize !== false;
  return {
    resize,
    kernel: KERNELS[config.resample ?? 3],
    crop,
    rescale: config.do_rescale === false ? 1 : (config.rescale_factor ?? 1 / 255),
    mean: normalize ? triple(config.image_mean ?? CLIP_MEAN) : [0, 0, 0],
    std: normalize ? triple(config.image_std ?? CLIP_STD) : [1, 1, 1],
    width: outputSize.width,
    height: outputSize.height,
  };
}

/** An integer `size` is a square, except for center-cropping processors (CLIP), where it is the shortest edge. */
function resizeFrom(size: NonNullable<PreprocessorConfigFile['size']>, centerCrop: boolean): ImagePreprocessing['resize'] {
  if (typeof size === 'number') return centerCrop ? { mode: 'shortest-edge', size } : { mode: 'exact', width: size, height: size };
  if ('height' in size) return { mode: 'exact', width: size.width, height: size.height };
  if ('shortest_edge' in size) return { mode: 'shortest-edge', size: size.shortest_edge, longestEdge: size.longest_edge };
  return { mode: 'longest-edge', size: size.longest_edge };
}

function cropFrom(size: NonNullable<PreprocessorConfigFile['crop_size']>, file: string): { width: number; height: number } {
  if (typeof size === 'number') return { width: size, height: size };
  if ('height' in size) return { width: size.width, height: size.height };
  throw new ConfigError(`${file}: crop_size: expected a number or {height, width}, found ${JSON.stringify(size)}`);
}

function triple(value: number | number[]): Triple {
  return typeof value === 'number' ? [value, value, value] : [value[0], value[1], value[2]];
}

/** Hugging Face's `get_resize_output_image_size`: the new size of an image, truncating like `int()`. */
export function resizedSize(width: number, height: number, resize: NonNullable<ImagePreprocessing['resize']>): { width: number; height: number } {
  if (resize.mode === 'exact') return { width: resize.width, height: resize.height };
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  let newShort: number;
  let newLong: number;
  if (resize.mode === 'shortest-edge') {
    newShort = resize.size;
    newLong = Math.trunc((resize.size * long) / short);
    if (resize.longestEdge !== undefined && newLong > resize.longestEdge) {
      newShort = Math.trunc((resize.longestEdge * newShort) / newLong);
      newLong = resize.longestEdge;
    }
  } else {
    newLong = resize.size;
    newShort = Math.trunc((resize.size * short) / long);
  }
  return width <= height ? { width: newShort, height: newLong } : { width: newLong, height: newShort };
}

/** Decodes, orients (EXIF), converts to RGB and normalizes one image into a CHW float32 tensor. */
export function preprocessImage(bytes: Buffer, preprocessing: ImagePreprocessing): Promise<Float32Array> {
  return decodeImage(() => decodeAndNormalize(bytes, preprocessing));
}

async function decodeAndNormalize(bytes: Buffer, preprocessing: ImagePreprocessing): Promise<Float32Array> {
  // Shrink-on-load would decode JPEGs at reduced DCT scale, changing pixels compared with a full decode.
  // Opened like `data check` reads headers (core/image-header.ts): the same pixel limit, the same errors.
  let image = openImage(bytes).autoOrient();
  let size = { width: preprocessing.width, height: preprocessing.height };
  if (preprocessing.resize?.mode !== 'exact' || preprocessing.crop) {
    // Only aspect-preserving resizes and crops depend on the source size (as displayed, after EXIF rotation).
    const metadata = await image.metadata();
    const rotated = (metadata.orientation ?? 1) >= 5;
    size = { width: (rotated ? metadata.height : metadata.width) ?? 0, height: (rotated ? metadata.width : metadata.height) ?? 0 };
    if (size.width === 0 || size.height === 0) throw new Error('image has no dimensions');
  }
  if (preprocessing.resize) {
    size = resizedSize(size.width, size.height, preprocessing.resize);
    image = image.resize(size.width, size.height, { fit: 'fill', kernel: preprocessing.kernel, fastShrinkOnLoad: false });
  }
  if (preprocessing.crop) {
    const { width, height } = preprocessing.crop;
    if (size.width < width || size.height < height) {
      throw new Error(`image is ${size.width}×${size.height} after resizing, smaller than the ${width}×${height} crop`);
    }
    // Hugging Face's center_crop rounds the offset down: top = (height - crop) // 2.
    image = image.extract({ left: Math.floor((size.width - width) / 2), top: Math.floor((size.height - height) / 2), width, height });
  }
  const { data, info } = await image.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== preprocessing.width || info.height !== preprocessing.height) {
    throw new Error(`preprocessing produced ${info.width}×${info.height}×${info.channels}, expected ${preprocessing.width}×${preprocessing.height}×3`);
  }
  const plane = info.width * info.height;
  const tensor = new Float32Array(3 * plane);
  for (let channel = 0; channel < 3; channel++) {
    const scale = preprocessing.rescale / preprocessing.std[channel];
    const shift = preprocessing.mean[channel] / preprocessing.std[channel];
    const offset = channel * plane;
    for (let pixel = 0; pixel < plane; pixel++) tensor[offset + pixel] = data[pixel * 3 + channel] * scale - shift;
  }
  return tensor;
}
