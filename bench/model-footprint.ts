// What full-size models would weigh as `emu-eval export` writes them, per dtype: the export's own graph
// builders are run with weights that are never read, and the initializer bytes summed exactly as the
// writer would write them (packed MatMulNBits blocks, scales, zero points, float16/32 tensors).
// Dimensions come from the official configs:
//   Emu2 (37B): BAAI Emu2 repository, Emu2/emu/conf/llama_config/config.json (LLaMA-33B: hidden 6656,
//     intermediate 17920, 60 layers, 52 heads, vocab 32000) and emu_conf.py CLIPVisionCfg (EVA-CLIP
//     "eva-clip-4b-14-x": width 1792, 64 layers, head width 112, MLP ratio 8.5714 → 15360, image 448,
//     patch 14), project_up Linear(1792 → 6656, no bias).
//   CogVLM-17B: transformers CogVLMConfig (cogvlm-chat-hf): Vicuna-7B (hidden 4096, intermediate 11008,
//     32 layers, 32 heads, vocab 32000) with a visual expert in every layer (its own QKV, dense and
//     SwiGLU MLP: the same weights again), EVA2-CLIP-E (1792, 15360, 16 heads, 63 layers, image 490,
//     patch 14) and the GLU adapter (linear_proj 1792→4096, gate/up 4096→11008, down 11008→4096).
// Approximation: EVA's blocks are built with the CLIP builder (same q/k/v/out + fc1/fc2 MatMuls; EVA's
// missing k bias and its rotary/sub-norm details change a few kilobytes).
import { buildClipVisionTower, type ClipVisionShape } from '../runners/export/graph/clip-vision.js';
import { GraphBuilder, type WeightSource } from '../runners/export/graph/graph-builder.js';
import { buildLlamaDecoder, type LlamaShape } from '../runners/export/graph/llama-decoder.js';
import type { WeightFormat } from '../runners/export/export-plan.js';
import { llamaRotaryTables } from '../runners/export/graph/rotary-tables.js';
import { graphWeightBytes } from '../runners/export/writer/write-graph.js';

export interface FootprintModel {
  name: string;
  text: LlamaShape & { maxPositions: number };
  /** Language layers whose attention and MLP weights exist twice (CogVLM's visual expert). */
  expertLayers: number;
  vision: ClipVisionShape;
  /** Extra vision→language MatMuls [inputs, outputs] (projector / adapter). */
  projector: Array<[number, number]>;
}

const neverRead: WeightSource = () => async () => {
  throw new Error('footprint graphs are never written');
};

export const FOOTPRINT_MODELS: FootprintModel[] = [
  {
    name: 'Emu2 (37B)',
    text: { hidden: 6656, heads: 52, keyValueHeads: 52, headDim: 128, layers: 60, intermediate: 17920, vocabularySize: 32000, rmsNormEpsilon: 1e-6, maxPositions: 2048 },
    expertLayers: 0,
    vision: { hidden: 1792, intermediate: 15360, layers: 64, heads: 16, channels: 3, imageSize: 448, patchSize: 14, layerNormEpsilon: 1e-6, activation: 'gelu' },
    projector: [[1792, 6656]],
  },
  {
    name: 'CogVLM-17B',
    text: { hidden: 4096, heads: 32, keyValueHeads: 32, headDim: 128, layers: 32, intermediate: 11008, vocabularySize: 32000, rmsNormEpsilon: 1e-5, maxPositions: 2048 },
    expertLayers: 32,
    vision: { hidden: 1792, intermediate: 15360, layers: 63, heads: 16, channels: 3, imageSize: 490, patchSize: 14, layerNormEpsilon: 1e-6, activation: 'gelu' },
    projector: [[1792, 4096], [4096, 11008], [4096, 11008], [11008, 4096]],
  },
];

/** Weight bytes of the three graphs (vision + projector, embed_tokens, decoder) in one weight format. */
export function exportedWeightBytes(model: FootprintModel, format: WeightFormat): number {
  const rotary = llamaRotaryTables(model.text.maxPositions, model.text.headDim, 10000);
  const decoderBytes = (layers: number) => graphWeightBytes(buildLlamaDecoder({ ...model.text, layers }, rotary, neverRead, format));
  // The visual expert: every layer's weights once more (the difference of a 2n- and an n-layer decoder).
  const expert = model.expertLayers > 0 ? decoderBytes(2 * model.expertLayers) - decoderBytes(model.expertLayers) : 0;
  const vision = new GraphBuilder('vision_encoder', format);
  let state = buildClipVisionTower(vision, vision.input('pixel_values', vision.floatType, [1, 3, model.vision.imageSize, model.vision.imageSize]), model.vision, model.vision.layers, neverRead, '');
  model.projector.forEach(([inputs, outputs], index) => (state = vision.matmul(state, `projector.${index}.weight`, inputs, outputs, neverRead('', [inputs, outputs], 'linear'))));
  // embed_tokens: the table in the storage precision (float16 in quantized exports).
  const embed = model.text.vocabularySize * model.text.hidden * (vision.storagePrecision === 'float16' ? 2 : 4);
  return decoderBytes(model.text.layers) + expert + graphWeightBytes(vision) + embed;
}

/** fp16 keys and values of every layer for one token (CogVLM's expert adds weights, not cache). */
export function kvBytesPerToken(model: FootprintModel): number {
  return 2 * model.text.layers * model.text.keyValueHeads * model.text.headDim * 2;
}

