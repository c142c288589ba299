// A tiny random-weight CogVLM checkpoint as THUDM's cogvlm-*-hf uploads lay one out: CogVLMForCausalLM's
// config.json (no model_type, vision_config as a plain dict, template_version) and its tensor names
// (`model.vision.*` EVA2-CLIP + GLU adapter + boi/eoi, `model.layers.N.self_attn.{vision,language}_expert_*`,
// `model.layers.N.mlp.{vision,language}_mlp.*`, the rotary inv_freq buffers). Toy dimensions: a 28 px
// image in 14 px patches → 4 patches → boi + 4 + eoi = 6 image tokens; a 2-layer decoder.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jitteredTensor, normalTensor } from '../../../runners/onnx/tiny-emu/random.js';
import { buildTokenizerFiles } from '../../../runners/onnx/tiny-emu/tokenizer-files.js';
import { writeSafetensors } from './tiny-llava-checkpoint.js';

export const TINY_COGVLM = {
  vision: { hidden: 32, intermediate: 64, layers: 2, heads: 2, imageSize: 28, patchSize: 14, layerNormEpsilon: 1e-6 },
  text: { hidden: 64, intermediate: 96, layers: 2, heads: 4, maxPositions: 256, rmsNormEpsilon: 1e-5 },
  imageTokens: 6,
  seed: 23,
};

export interface TinyCogvlm {
  folder: string;
  config: Record<string, unknown>;
  /** Every tensor by its checkpoint name, float32, as stored (nn.Linear layout). */
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  vocabularySize: number;
  ids: { begin: number; end: number; image: number };
}

export interface TinyCogvlmOptions {
  /** Multiplies every tensor whose name contains the key (e.g. `vision_expert`) by the value. */
  scale?: Record<string, number>;
  omit?: string[];
}

export function writeTinyCogvlm(folder: string, options: TinyCogvlmOptions = {}): TinyCogvlm {
  const { vision, text, seed } = TINY_COGVLM;
  const tokenizer = buildTokenizerFiles(200);
  const vocabularySize = tokenizer.vocabularySize;
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

  const patches = (vision.imageSize / vision.patchSize) ** 2;
  normal('model.vision.patch_embedding.proj.weight', [vision.hidden, 3, vision.patchSize, vision.patchSize], 1 / Math.sqrt(3 * vision.patchSize ** 2));
  normal('model.vision.patch_embedding.proj.bias', [vision.hidden], 0.1);
  normal('model.vision.patch_embedding.cls_embedding', [1, vision.hidden], 1);
  normal('model.vision.patch_embedding.position_embedding.weight', [patches + 1, vision.hidden], 0.5);
  for (let layer = 0; layer < vision.layers; layer++) {
    const p = `model.vision.transformer.layers.${layer}`;
    layerNorm(`${p}.input_layernorm`, vision.hidden);
    linear(`${p}.attention.query_key_value`, 3 * vision.hidden, vision.hidden, true);
    linear(`${p}.attention.dense`, vision.hidden, vision.hidden, true);
    linear(`${p}.mlp.fc1`, vision.intermediate, vision.hidden, true);
    linear(`${p}.mlp.fc2`, vision.hidden, vision.intermediate, true);
    layerNorm(`${p}.post_attention_layernorm`, vision.hidden);
  }
  linear('model.vision.linear_proj.linear_proj', text.hidden, vision.hidden, false);
  layerNorm('model.vision.linear_proj.norm1', text.hidden);
  linear('model.vision.linear_proj.dense_h_to_4h', text.intermediate, text.hidden, false);
  linear('model.vision.linear_proj.gate_proj', text.intermediate, text.hidden, false);
  linear('model.vision.linear_proj.dense_4h_to_h', text.hidden, text.intermediate, false);
  normal('model.vision.boi', [1, 1, text.hidden], 1);
  normal('model.vision.eoi', [1, 1, text.hidden], 1);

  const headDim = text.hidden / text.heads;
  normal('model.embed_tokens.weight', [vocabularySize, text.hidden], 1);
  for (let layer = 0; layer < text.layers; layer++) {
    const p = `model.layers.${layer}`;
    for (const expert of ['vision', 'language']) {
      linear(`${p}.self_attn.${expert}_expert_query_key_value`, 3 * text.hidden, text.hidden, false);
      linear(`${p}.self_attn.${expert}_expert_dense`, text.hidden, text.hidden, false);
      linear(`${p}.mlp.${expert}_mlp.gate_proj`, text.intermediate, text.hidden, false);
      linear(`${p}.mlp.${expert}_mlp.up_proj`, text.intermediate, text.hidden, false);
      linear(`${p}.mlp.${expert}_mlp.down_proj`, text.hidden, text.intermediate, false);
    }
    // A registered buffer that the uploads carry; the exporter recomputes rotary tables and never reads it.
    add(`${p}.self_attn.rotary_emb.inv_freq`, [headDim / 2], Float32Array.from({ length: headDim / 2 }, (_, i) => 1 / 10000 ** ((2 * i) / headDim)));
    add(`${p}.input_layernorm.weight`, [text.hidden], jitteredTensor(seed, `${p}.input_layernorm.weight`, text.hidden, 1, 0.1));
    add(`${p}.post_attention_layernorm.weight`, [text.hidden], jitteredTensor(seed, `${p}.post_attention_layernorm.weight`, text.hidden, 1, 0.1));
  }
  add('model.norm.weight', [text.hidden], jitteredTensor(seed, 'model.norm.weight', text.hidden, 1, 0.1));
  normal('lm_head.weight', [vocabularySize, text.hidden], 2 / Math.sqrt(text.hidden));

  for (const [pattern, factor] of Object.entries(options.scale ?? {})) {
    for (const [name, tensor] of tensors) if (name.includes(pattern)) tensors.set(name, { shape: tensor.shape, values: tensor.values.map((value) => value * factor) });
  }
  for (const name of options.omit ?? []) tensors.delete(name);

  mkdirSync(folder, { recursive: true });
  const names = [...tensors.keys()];
  const shards = [names.filter((name) => name.startsWith('model.vision.')), names.filter((name) => !name.startsWith('model.vision.'))];
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, index) => {
    const file = `model-0000${index + 1}-of-00002.safetensors`;
    writeSafetensors(path.join(folder, file), shard.map((name) => ({ name, ...tensors.get(name)! })));
    for (const name of shard) weightMap[name] = file;
  });
  writeJson(folder, 'model.safetensors.index.json', { metadata: { total_size: 0 }, weight_map: weightMap });

  const config = {
    _name_or_path: 'cogvlm-chat-v1.1',
    architectures: ['CogVLMForCausalLM'],
    auto_map: { AutoConfig: 'configuration_cogvlm.CogVLMConfig', AutoModelForCausalLM: 'modeling_cogvlm.CogVLMForCausalLM' },
    bos_token_id: tokenizer.ids.begin,
    eos_token_id: tokenizer.ids.end,
    // build_conversation_input_ids fills image positions with pad_token_id: <unk> (0), as in the uploads.
    pad_token_id: tokenizer.ids.unknown,
    hidden_act: 'silu',
    hidden_size: text.hidden,
    initializer_range: 0.02,
    intermediate_size: text.intermediate,
    max_position_embeddings: text.maxPositions,
    num_attention_heads: text.heads,
    num_hidden_layers: text.layers,
    rms_norm_eps: text.rmsNormEpsilon,
    template_version: 'chat',
    tie_word_embeddings: false,
    torch_dtype: 'bfloat16',
    use_cache: true,
    vocab_size: vocabularySize,
    vision_config: {
      dropout_prob: 0,
      hidden_act: 'gelu',
      hidden_size: vision.hidden,
      image_size: vision.imageSize,
      in_channels: 3,
      intermediate_size: vision.intermediate,
      layer_norm_eps: vision.layerNormEpsilon,
      num_heads: vision.heads,
      num_hidden_layers: vision.layers,
      num_positions: patches + 1,
      patch_size: vision.patchSize,
    },
  };
  writeJson(folder, 'config.json', config);
  writeJson(folder, 'generation_config.json', { bos_token_id: tokenizer.ids.begin, eos_token_id: tokenizer.ids.end, pad_token_id: tokenizer.ids.unknown });
  writeJson(folder, 'tokenizer.json', tokenizer.tokenizerJson);
  writeJson(folder, 'tokenizer_config.json', tokenizer.tokenizerConfig);
  return { folder, config, tensors, vocabularySize, ids: { begin: tokenizer.ids.begin, end: tokenizer.ids.end, image: tokenizer.ids.unknown } };
}

function writeJson(folder: string, name: string, value: unknown): void {
  writeFileSync(path.join(folder, name), `${JSON.stringify(value, null, 2)}\n`);
}
