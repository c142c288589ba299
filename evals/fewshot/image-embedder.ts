import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { ConfigError } from '../../core/errors.js';
import { readMedia } from '../../core/safe-path.js';
import { preprocessorConfigSchema, readJsonFile } from '../../runners/onnx/config.js';
import { preprocessImage, resolvePreprocessing, type ImagePreprocessing } from '../../runners/onnx/image-preprocess.js';
import type { MediaRef } from '../../core/contracts/task.js';
import { l2Normalize } from './rices-retrieval.js';

/** Where an image encoder's graph sits in the layouts exporters use (VLM exports, CLIP vision exports). */
const ENCODER_FILES = ['onnx/vision_encoder.onnx', 'onnx/vision_model.onnx', 'onnx/model.onnx', 'vision_encoder.onnx', 'model.onnx'];

export interface ImageEmbedder {
  /** Identifies the encoder's weights, for cache keys. */
  id: string;
  dimension: number;
  /** L2-normalized embeddings, one row per image (mean-pooled over visual tokens). */
  embed(images: MediaRef[]): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Size plus the first and last 8 MiB: tells weights apart without reading a multi-gigabyte file whole. */
function weightsIdentity(file: string): string {
  const size = statSync(file).size;
  const hash = createHash('sha256').update(`${size}\u0000`);
  const descriptor = openSync(file, 'r');
  try {
    const span = Math.min(size, 8 << 20);
    const buffer = Buffer.alloc(span);
    readSync(descriptor, buffer, 0, span, 0);
    hash.update(buffer);
    readSync(descriptor, buffer, 0, span, size - span);
    hash.update(buffer);
  } finally {
    closeSync(descriptor);
  }
  return hash.digest('hex').slice(0, 16);
}

export async function createImageEmbedder(folder: string, options: { batchSize?: number; threads?: number } = {}): Promise<ImageEmbedder> {
  const root = path.resolve(folder);
  const relative = ENCODER_FILES.find((candidate) => existsSync(path.join(root, candidate)));
  if (!relative) throw new ConfigError(`RICES encoder folder ${root} has no image encoder: expected one of ${ENCODER_FILES.join(', ')}`);
  const configFile = path.join(root, 'preprocessor_config.json');
  if (!existsSync(configFile)) throw new ConfigError(`RICES encoder folder ${root} has no preprocessor_config.json (image size, mean, std)`);
  const preprocessing: ImagePreprocessing = resolvePreprocessing(await readJsonFile(configFile, preprocessorConfigSchema), configFile);
  const file = path.join(root, relative);
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', ...(options.threads ? { intraOpNumThreads: options.threads } : {}) });
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  const batchSize = options.batchSize ?? 16;
  let dimension = 0;

  async function embedBatch(images: MediaRef[]): Promise<Float32Array> {
    const pixels = await Promise.all(images.map(async (image) => preprocessImage(await readMedia(image), preprocessing)));
    const planeSize = 3 * preprocessing.height * preprocessing.width;
    const input = new Float32Array(images.length * planeSize);
    pixels.forEach((values, index) => input.set(values, index * planeSize));
    const result = await session.run({ [inputName]: new ort.Tensor('float32', input, [images.length, 3, preprocessing.height, preprocessing.width]) });
    const output = result[outputName]!;
    const dims = output.dims;
    const data = output.data as Float32Array;
    // [B, tokens, hidden] is mean-pooled over tokens; [B, hidden] (pooled image embeddings) is used as is.
    const tokens = dims.length === 3 ? dims[1]! : 1;
    const hidden = dims[dims.length - 1]!;
    dimension = hidden;
    const pooled = new Float32Array(images.length * hidden);
    for (let image = 0; image < images.length; image += 1) {
      for (let token = 0; token < tokens; token += 1) {
        const from = (image * tokens + token) * hidden;
        for (let unit = 0; unit < hidden; unit += 1) pooled[image * hidden + unit]! += data[from + unit]! / tokens;
      }
    }
    return l2Normalize(pooled, hidden);
  }

  return {
    id: `${path.basename(root)}-${weightsIdentity(file)}`,
    get dimension() {
      return dimension;
    },
    async embed(images) {
      const parts: Float32Array[] = [];
      for (let first = 0; first < images.length; first += batchSize) parts.push(await embedBatch(images.slice(first, first + batchSize)));
      const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        joined.set(part, offset);
        offset += part.length;
      }
      return joined;
    },
    close: () => session.release(),
  };
}
