// A tiny random-weight LLaVA-1.5 checkpoint as transformers saves one: real config fields and tensor
// names (either generation), safetensors shards with an index, tokenizer and processor files. Dimensions
// are toy-sized (CLIP 28×28 with 14-pixel patches → 4 image tokens; a 2-layer GQA LLaMA) so export and
// inference take milliseconds.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jitteredTensor, normalTensor } from '../../../runners/onnx/tiny-emu/random.js';
import { buildTokenizerFiles } from '../../../runners/onnx/tiny-emu/tokenizer-files.js';

export const TINY_LLAVA = {
  vision: { hidden: 32, intermediate: 64, layers: 2, heads: 2, imageSize: 28, patchSize: 14, layerNormEpsilon: 1e-5 },
  text: { hidden: 64, intermediate: 96, layers: 2, heads: 4, keyValueHeads: 2, maxPositions: 256, rmsNormEpsilon: 1e-5, ropeTheta: 10000 },
  /** LLaVA pads its vocabulary past the tokenizer's (32064 rows for 32002 tokens); so does the tiny one. */
  vocabularyPadding: 5,
  seed: 15,
};

export type Generation = 'classic' | 'current';

export interface TinyLlava {
  folder: string;
  config: Record<string, unknown>;
  /** Every tensor by its checkpoint name, float32, as stored (nn.Linear layout). */
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  prefixes: { textModel: string; lmHead: string; vision: string; projector: string };
  vocabularySize: number;
  imageTokenId: number;
}

const PREFIXES = {
  classic: { textModel: 'language_model.model.', lmHead: 'language_model.lm_head.weight', vision: 'vision_tower.vision_model.', projector: 'multi_modal_projector.' },
  current: { textModel: 'model.language_model.', lmHead: 'lm_head.weight', vision: 'model.vision_tower.vision_model.', projector: 'model.multi_modal_projector.' },
};

export function writeTinyLlava(folder: string, generation: Generation = 'classic', options: { omit?: string[]; reshape?: Record<string, number[]>; tokenizer?: 'json' | 'sentencepiece-only' } = {}): TinyLlava {
  const { vision, text, seed } = TINY_LLAVA;
  const tokenizer = buildTokenizerFiles(200);
  const vocabularySize = tokenizer.vocabularySize + TINY_LLAVA.vocabularyPadding;
  const prefixes = PREFIXES[generation];
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  const add = (name: string, shape: number[], values: Float32Array) => tensors.set(name, { shape, values });
  const normal = (name: string, shape: number[], deviation: number) => add(name, shape, normalTensor(seed, name, shape.reduce((a, b) => a * b, 1), deviation));
  const linear = (name: string, outputs: number, inputs: number, bias: boolean) => {
    normal(`${name}.weight`, [outputs, inputs], 1 / Math.sqrt(inputs));
    if (bias) normal(`${name}.bias`, [outputs], 0.1);
  };
  const layerNorm = (name: string, size: number) => {
    add(`${name}.weight`, [size], jitteredTensor(seed, `${name}.weight`, size, 1, 0.1));
    normal(`${name}.bias`, [size], 0.1);
  };

  const v = prefixes.vision;
  const patches = (vision.imageSize / vision.patchSize) ** 2;
  normal(`${v}embeddings.class_embedding`, [vision.hidden], 1);
  normal(`${v}embeddings.patch_embedding.weight`, [vision.hidden, 3, vision.patchSize, vision.patchSize], 1 / Math.sqrt(3 * vision.patchSize ** 2));
  normal(`${v}embeddings.position_embedding.weight`, [patches + 1, vision.hidden], 0.5);
  layerNorm(`${v}pre_layrnorm`, vision.hidden);
  for (let layer = 0; layer < vision.layers; layer++) {
    const p = `${v}encoder.layers.${layer}`;
    for (const projection of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) linear(`${p}.self_attn.${projection}`, vision.hidden, vision.hidden, true);
    layerNorm(`${p}.layer_norm1`, vision.hidden);
    layerNorm(`${p}.layer_norm2`, vision.hidden);
    linear(`${p}.mlp.fc1`, vision.intermediate, vision.hidden, true);
    linear(`${p}.mlp.fc2`, vision.hidden, vision.intermediate, true);
  }
  layerNorm(`${v}post_layernorm`, vision.hidden);
  linear(`${prefixes.projector}linear_1`, text.hidden, vision.hidden, true);
  linear(`${prefixes.projector}linear_2`, text.hidden, text.hidden, true);

  const t = prefixes.textModel;
  const headDim = text.hidden / text.heads;
  normal(`${t}embed_tokens.weight`, [vocabularySize, text.hidden], 1);
  for (let layer = 0; layer < text.layers; layer++) {
    const p = `${t}layers.${layer}`;
    linear(`${p}.self_attn.q_proj`, text.heads * headDim, text.hidden, false);
    linear(`${p}.self_attn.k_proj`, text.keyValueHeads * headDim, text.hidden, false);
    linear(`${p}.self_attn.v_proj`, text.keyValueHeads * headDim, text.hidden, false);
    linear(`${p}.self_attn.o_proj`, text.hidden, text.heads * headDim, false);
    linear(`${p}.mlp.gate_proj`, text.intermediate, text.hidden, false);
    linear(`${p}.mlp.up_proj`, text.intermediate, text.hidden, false);
    linear(`${p}.mlp.down_proj`, text.hidden, text.intermediate, false);
    add(`${p}.input_layernorm.weight`, [text.hidden], jitteredTensor(seed, `${p}.input_layernorm.weight`, text.hidden, 1, 0.1));
    add(`${p}.post_attention_layernorm.weight`, [text.hidden], jitteredTensor(seed, `${p}.post_attention_layernorm.weight`, text.hidden, 1, 0.1));
  }
  add(`${t}norm.weight`, [text.hidden], jitteredTensor(seed, `${t}norm.weight`, text.hidden, 1, 0.1));
  normal(prefixes.lmHead, [vocabularySize, text.hidden], 2 / Math.sqrt(text.hidden));

  for (const name of options.omit ?? []) tensors.delete(name);
  const stored = new Map(tensors);
  for (const [name, shape] of Object.entries(options.reshape ?? {})) stored.set(name, { shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

  mkdirSync(folder, { recursive: true });
  // Two shards and an index, like every multi-gigabyte upload: vision + projector, then the language model.
  const names = [...stored.keys()];
  const shards = [names.filter((name) => !name.startsWith(t) && name !== prefixes.lmHead), names.filter((name) => name.startsWith(t) || name === prefixes.lmHead)];
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, index) => {
    const file = `model-0000${index + 1}-of-00002.safetensors`;
    writeSafetensors(path.join(folder, file), shard.map((name) => ({ name, ...stored.get(name)! })));
    for (const name of shard) weightMap[name] = file;
  });
  writeJson(folder, 'model.safetensors.index.json', { metadata: { total_size: 0 }, weight_map: weightMap });

  const config = {
    architectures: ['LlavaForConditionalGeneration'],
    model_type: 'llava',
    ignore_index: -100,
    image_token_index: tokenizer.ids.image,
    pad_token_id: tokenizer.ids.padding,
    projector_hidden_act: 'gelu',
    vision_feature_layer: -2,
    vision_feature_select_strategy: 'default',
    text_config: {
      model_type: 'llama',
      hidden_size: text.hidden,
      intermediate_size: text.intermediate,
      num_hidden_layers: text.layers,
      num_attention_heads: text.heads,
      num_key_value_heads: text.keyValueHeads,
      max_position_embeddings: text.maxPositions,
      rms_norm_eps: text.rmsNormEpsilon,
      vocab_size: vocabularySize,
    },
    vision_config: {
      model_type: 'clip_vision_model',
      hidden_size: vision.hidden,
      intermediate_size: vision.intermediate,
      num_hidden_layers: vision.layers,
      num_attention_heads: vision.heads,
      image_size: vision.imageSize,
      patch_size: vision.patchSize,
      projection_dim: 16,
    },
  };
  writeJson(folder, 'config.json', config);
  writeJson(folder, 'generation_config.json', { bos_token_id: tokenizer.ids.begin, eos_token_id: tokenizer.ids.end, pad_token_id: tokenizer.ids.padding });
  if (options.tokenizer === 'sentencepiece-only') writeFileSync(path.join(folder, 'tokenizer.model'), Buffer.from('not a real sentencepiece model'));
  else writeJson(folder, 'tokenizer.json', tokenizer.tokenizerJson);
  writeJson(folder, 'tokenizer_config.json', tokenizer.tokenizerConfig);
  return { folder, config, tensors, prefixes, vocabularySize, imageTokenId: tokenizer.ids.image };
}

/** The safetensors format: u64 header length, JSON header with byte offsets, then the raw little-endian data. */
export function writeSafetensors(file: string, tensors: Array<{ name: string; shape: number[]; values: Float32Array }>): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const tensor of tensors) {
    header[tensor.name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + tensor.values.byteLength] };
    offset += tensor.values.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([prefix, Buffer.from(json), ...tensors.map((tensor) => Buffer.from(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength))]));
}

function writeJson(folder: string, name: string, value: unknown): void {
  writeFileSync(path.join(folder, name), `${JSON.stringify(value, null, 2)}\n`);
}
