// tiny-emu's decoder: the LLaMA decoder `emu-eval export` writes for real checkpoints, filled with seeded
// random weights scaled so that random attention still depends on its input.
import type { GraphBuilder } from '../../export/graph/graph-builder.js';
import { buildLlamaDecoder, type RotaryTables } from '../../export/graph/llama-decoder.js';
import { jitteredTensor, normalTensor } from './random.js';
import { headDimension, TINY_EMU_GRAPH, type TinyEmuDimensions } from './dimensions.js';

/**
 * Scales the query weights. With plain 1/√hidden initialization, random attention is nearly uniform, so
 * every prompt averages to the same context and the model answers everything alike; peaked attention
 * lets the answer depend on the image and the question, which is what a smoke test should exercise.
 */
const QUERY_SHARPNESS = 4;
/** Spreads the logits enough that greedy decoding does not repeat one token. */
const LOGIT_SCALE = 2.5;

export interface DecoderOptions {
  /** Older exports have no num_logits_to_keep input and return logits for every position. */
  logitsToKeepInput?: boolean;
}

export function buildDecoder(dimensions: TinyEmuDimensions, vocabularySize: number, options: DecoderOptions = {}): GraphBuilder {
  const { seed, hidden, heads, keyValueHeads, layers, intermediate } = dimensions;
  const shape = { hidden, heads, keyValueHeads, headDim: headDimension(dimensions), layers, intermediate, vocabularySize, rmsNormEpsilon: dimensions.rmsNormEpsilon };
  const randomWeights = (name: string, dims: number[]) => {
    if (dims.length === 1) return jitteredTensor(seed, name, dims[0], 1, 0.05);
    const [inputs, outputs] = dims;
    const scale = name.endsWith('q_proj.weight') ? QUERY_SHARPNESS : name === 'lm_head.weight' ? LOGIT_SCALE : 1;
    return normalTensor(seed, name, inputs * outputs, scale / Math.sqrt(inputs));
  };
  return buildLlamaDecoder(shape, rotaryTables(dimensions), randomWeights, { ...TINY_EMU_GRAPH, ...options });
}

/** HF LLaMA's layout: frequencies for the first half of each head, repeated for the second half. */
function rotaryTables(dimensions: TinyEmuDimensions): RotaryTables {
  const headDim = headDimension(dimensions);
  const half = headDim / 2;
  const cos = new Float32Array(dimensions.maxPositions * headDim);
  const sin = new Float32Array(dimensions.maxPositions * headDim);
  for (let position = 0; position < dimensions.maxPositions; position++) {
    for (let index = 0; index < half; index++) {
      const angle = position * Math.pow(dimensions.ropeTheta, (-2 * index) / headDim);
      for (const offset of [index, index + half]) {
        cos[position * headDim + offset] = Math.cos(angle);
        sin[position * headDim + offset] = Math.sin(angle);
      }
    }
  }
  return { maxPositions: dimensions.maxPositions, cos, sin };
}
