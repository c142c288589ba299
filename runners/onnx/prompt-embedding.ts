// Turns token ids and images into the decoder's first input: left-padded ids go through embed_tokens,
// images through the vision encoder, and each image's features overwrite the rows of its placeholder
// tokens (in order), which is how Emu2 and transformers.js VLMs splice images into the text stream.
import { Tensor } from 'onnxruntime-node';
import type { ModelSessions } from './sessions.js';
import { floatTensor, integerTensor, readFloat32, toFloatData, type FloatData } from './tensors.js';

export interface PromptRow {
  inputIds: number[];
  /** All of this row's images, each a CHW float32 tensor, concatenated. */
  pixelValues?: Float32Array;
  imageCount: number;
}

export interface ImageGeometry {
  height: number;
  width: number;
  tokensPerImage: number;
}

/** Images per vision-encoder call: large enough to batch, small enough to bound activation memory. */
const VISION_CHUNK = 16;

/** Embeds ids [rows, length] and returns the tensor the decoder takes as inputs_embeds. */
export async function embedTokens(model: ModelSessions, ids: ArrayLike<number>, rows: number, length: number): Promise<Tensor> {
  const { embed, decoder } = model.signature;
  const outputs = await model.embed.run({ [embed.input]: integerTensor(embed.inputType, ids, [rows, length]) });
  const embeds = outputs[embed.output];
  if (embeds.type === decoder.embedsType) return embeds;
  return floatTensor(decoder.embedsType, toFloatData(decoder.embedsType, readFloat32(embeds)), embeds.dims);
}

export function placeholderCount(inputIds: number[], imageTokenId: number): number {
  let count = 0;
  for (const id of inputIds) if (id === imageTokenId) count++;
  return count;
}

/**
 * Left-pads the rows to one length, embeds them and splices in image features. Callers check first that
 * each row has exactly `imageCount × tokensPerImage` placeholder ids.
 */
export async function embedPrompts(
  model: ModelSessions,
  rows: PromptRow[],
  imageTokenId: number,
  padTokenId: number,
  geometry: ImageGeometry,
): Promise<{ embeds: Tensor; mask: Uint8Array; imageTokens: Uint8Array }> {
  const length = Math.max(...rows.map((row) => row.inputIds.length));
  const ids = new Array<number>(rows.length * length).fill(padTokenId);
  const mask = new Uint8Array(rows.length * length);
  rows.forEach((row, index) => {
    const offset = index * length + (length - row.inputIds.length);
    for (let position = 0; position < row.inputIds.length; position++) ids[offset + position] = row.inputIds[position];
    mask.fill(1, offset, offset + row.inputIds.length);
  });
  const embeds = await embedTokens(model, ids, rows.length, length);
  const features = await encodeImages(model, rows, geometry);
  const hidden = embeds.dims[2];
  const data = embeds.data as FloatData;
  /** 1 where an image feature row went: the decoder's token_type_ids, and CogVLM's position rule. */
  const imageTokens = new Uint8Array(rows.length * length);
  rows.forEach((row, index) => {
    const rowFeatures = features[index];
    if (!rowFeatures) return;
    let featureRow = 0;
    for (let position = 0; position < length; position++) {
      if (mask[index * length + position] === 1 && ids[index * length + position] === imageTokenId) {
        data.set(rowFeatures.subarray(featureRow * hidden, (featureRow + 1) * hidden), (index * length + position) * hidden);
        imageTokens[index * length + position] = 1;
        featureRow++;
      }
    }
  });
  return { embeds, mask, imageTokens };
}

/** Runs the vision encoder over every image of the batch; returns each row's features in the decoder's dtype. */
async function encodeImages(model: ModelSessions, rows: PromptRow[], geometry: ImageGeometry): Promise<Array<FloatData | undefined>> {
  const { vision, decoder } = model.signature;
  const imageSize = 3 * geometry.height * geometry.width;
  const images: Array<{ row: number; pixels: Float32Array }> = [];
  rows.forEach((row, index) => {
    for (let image = 0; image < row.imageCount; image++) {
      images.push({ row: index, pixels: (row.pixelValues as Float32Array).subarray(image * imageSize, (image + 1) * imageSize) });
    }
  });
  const perImage: FloatData[] = [];
  for (let start = 0; start < images.length; start += VISION_CHUNK) {
    const chunk = images.slice(start, start + VISION_CHUNK);
    const pixels = new Float32Array(chunk.length * imageSize);
    chunk.forEach((image, index) => pixels.set(image.pixels, index * imageSize));
    const input = floatTensor(vision.inputType, toFloatData(vision.inputType, pixels), [chunk.length, 3, geometry.height, geometry.width]);
    const output = (await model.vision.run({ [vision.input]: input }))[vision.output];
    if (output.dims[1] !== geometry.tokensPerImage) {
      throw new Error(`the vision encoder produced ${output.dims[1]} tokens per image, expected ${geometry.tokensPerImage}`);
    }
    const values = output.type === decoder.embedsType ? (output.data as FloatData) : toFloatData(decoder.embedsType, readFloat32(output));
    const perImageSize = values.length / chunk.length;
    for (let index = 0; index < chunk.length; index++) perImage.push(values.subarray(index * perImageSize, (index + 1) * perImageSize));
  }
  const byRow: Array<FloatData | undefined> = rows.map(() => undefined);
  let next = 0;
  rows.forEach((row, index) => {
    if (row.imageCount === 0) return;
    const parts = perImage.slice(next, next + row.imageCount);
    next += row.imageCount;
    const joined = parts[0] instanceof Float32Array ? new Float32Array(parts.reduce((sum, part) => sum + part.length, 0)) : new Uint16Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    byRow[index] = joined;
  });
  return byRow;
}
