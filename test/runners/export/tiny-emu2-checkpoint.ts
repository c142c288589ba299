// A tiny random-weight Emu2 checkpoint as the HF remote-code EmuForCausalLM saves one: the real tensor
// names (`model.visual.blocks.N.attn.qkv.weight`, `project_up.weight`, `model.decoder.lm.model.…`) and
// EmuConfig fields (vision_config with width/head_width/mlp_ratio/n_query…, LLaMA fields at the top level),
// at toy size: 56-pixel images in 14-pixel patches (a 4×4 grid, 17 tokens with CLS), width 32 in 2 heads,
// Emu2's own mlp_ratio (int(32 · 8.571…) = 274 hidden units), n_query 4 (2×2 average pooling), and a
// 2-layer LLaMA. `memoryCheckpoint` is the in-memory Checkpoint test double; `writeTinyEmu2` writes a folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../../core/errors.js';
import type { Checkpoint, TensorInfo } from '../../../runners/export/checkpoint/checkpoint.js';
import { jitteredTensor, normalTensor } from '../../../runners/onnx/tiny-emu/random.js';
import { buildTokenizerFiles } from '../../../runners/onnx/tiny-emu/tokenizer-files.js';
import { writeSafetensors } from './tiny-llava-checkpoint.js';

export type Tensors = Map<string, { shape: number[]; values: Float32Array }>;

export interface TinyEmu2Options {
  postnorm?: boolean;
  qkvBias?: boolean;
  nQuery?: number;
  seed?: number;
  /** The LLaMA width (default 48: 4 heads of 12). */
  hiddenSize?: number;
}

export function tinyEmu2Config(options: TinyEmu2Options = {}, vocabularySize = 300): Record<string, unknown> {
  return {
    architectures: ['EmuForCausalLM'],
    auto_map: { AutoConfig: 'configuration_emu.EmuConfig', AutoModelForCausalLM: 'modeling_emu.EmuForCausalLM' },
    model_version: 'base',
    d_model: 32,
    hidden_size: options.hiddenSize ?? 48,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    max_position_embeddings: 256,
    rms_norm_eps: 1e-6,
    vocab_size: vocabularySize,
    bos_token_id: 1,
    eos_token_id: 2,
    pad_token_id: 0,
    tie_word_embeddings: false,
    vision_config: {
      eva_model_name: 'eva-clip-4b-14-x',
      image_size: 56,
      patch_size: 14,
      width: 32,
      layers: 2,
      head_width: 16,
      mlp_ratio: 8.571428571428571,
      qkv_bias: options.qkvBias ?? true,
      drop_path_rate: 0,
      layer_norm_eps: 1e-6,
      xattn: false,
      postnorm: options.postnorm ?? true,
      n_query: options.nQuery ?? 4,
      v_query: options.nQuery ?? 4,
    },
  };
}

/** Every tensor of the tiny checkpoint by its Emu2 name, float32, as stored (nn.Linear [out, in]). */
export function tinyEmu2Tensors(config: Record<string, unknown>, seed = 23): Tensors {
  const vision = config.vision_config as { image_size: number; patch_size: number; width: number; layers: number; mlp_ratio: number; qkv_bias: boolean };
  const hidden = config.hidden_size as number;
  const intermediate = config.intermediate_size as number;
  const vocabularySize = config.vocab_size as number;
  const tensors: Tensors = new Map();
  const add = (name: string, shape: number[], values: Float32Array) => tensors.set(name, { shape, values });
  const normal = (name: string, shape: number[], deviation: number) => add(name, shape, normalTensor(seed, name, shape.reduce((a, b) => a * b, 1), deviation));
  const norm = (name: string, size: number) => {
    add(`${name}.weight`, [size], jitteredTensor(seed, `${name}.weight`, size, 1, 0.2));
    normal(`${name}.bias`, [size], 0.1);
  };

  const width = vision.width;
  const mlpHidden = Math.trunc(width * vision.mlp_ratio);
  const patches = (vision.image_size / vision.patch_size) ** 2;
  const v = 'model.visual.';
  normal(`${v}cls_token`, [1, 1, width], 1);
  normal(`${v}pos_embed`, [1, patches + 1, width], 0.5);
  normal(`${v}patch_embed.proj.weight`, [width, 3, vision.patch_size, vision.patch_size], 1 / Math.sqrt(3 * vision.patch_size ** 2));
  normal(`${v}patch_embed.proj.bias`, [width], 0.1);
  for (let layer = 0; layer < vision.layers; layer++) {
    const b = `${v}blocks.${layer}`;
    norm(`${b}.norm1`, width);
    normal(`${b}.attn.qkv.weight`, [3 * width, width], 1 / Math.sqrt(width));
    if (vision.qkv_bias) {
      normal(`${b}.attn.q_bias`, [width], 0.2);
      normal(`${b}.attn.v_bias`, [width], 0.2);
    }
    normal(`${b}.attn.proj.weight`, [width, width], 1 / Math.sqrt(width));
    normal(`${b}.attn.proj.bias`, [width], 0.1);
    norm(`${b}.norm2`, width);
    normal(`${b}.mlp.fc1.weight`, [mlpHidden, width], 1 / Math.sqrt(width));
    normal(`${b}.mlp.fc1.bias`, [mlpHidden], 0.1);
    normal(`${b}.mlp.fc2.weight`, [width, mlpHidden], 1 / Math.sqrt(mlpHidden));
    normal(`${b}.mlp.fc2.bias`, [width], 0.1);
  }
  normal('project_up.weight', [hidden, width], 1 / Math.sqrt(width));
  normal('project_down.weight', [width, hidden], 1 / Math.sqrt(hidden));

  const t = 'model.decoder.lm.model.';
  normal(`${t}embed_tokens.weight`, [vocabularySize, hidden], 1);
  for (let layer = 0; layer < (config.num_hidden_layers as number); layer++) {
    const p = `${t}layers.${layer}`;
    for (const projection of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) normal(`${p}.self_attn.${projection}.weight`, [hidden, hidden], 1 / Math.sqrt(hidden));
    normal(`${p}.mlp.gate_proj.weight`, [intermediate, hidden], 1 / Math.sqrt(hidden));
    normal(`${p}.mlp.up_proj.weight`, [intermediate, hidden], 1 / Math.sqrt(hidden));
    normal(`${p}.mlp.down_proj.weight`, [hidden, intermediate], 1 / Math.sqrt(intermediate));
    add(`${p}.input_layernorm.weight`, [hidden], jitteredTensor(seed, `${p}.input_layernorm.weight`, hidden, 1, 0.1));
    add(`${p}.post_attention_layernorm.weight`, [hidden], jitteredTensor(seed, `${p}.post_attention_layernorm.weight`, hidden, 1, 0.1));
  }
  add(`${t}norm.weight`, [hidden], jitteredTensor(seed, `${t}norm.weight`, hidden, 1, 0.1));
  normal('model.decoder.lm.lm_head.weight', [vocabularySize, hidden], 2 / Math.sqrt(hidden));
  return tensors;
}

/** The Checkpoint interface over tensors in memory, with the shape check and errors of the real reader. */
export function memoryCheckpoint(tensors: Tensors, folder = '/memory/emu2'): Checkpoint {
  const infos = new Map<string, TensorInfo>([...tensors].map(([name, { shape }]) => [name, { name, dtype: 'F32', shape, file: 'model.safetensors' }]));
  const read = async (name: string) => {
    const tensor = tensors.get(name);
    if (!tensor) throw new DataError(`${folder}: tensor ${name} is missing from the checkpoint`, folder, name);
    return tensor.values;
  };
  return {
    folder,
    format: 'safetensors',
    tensors: infos,
    unsupported: new Map(),
    read,
    async readShaped(name, shape) {
      const info = infos.get(name);
      if (info && (info.shape.length !== shape.length || info.shape.some((dim, index) => dim !== shape[index]))) {
        throw new DataError(`${info.file}: tensor ${name} has shape [${info.shape}], expected [${shape}]`, info.file, name);
      }
      return read(name);
    },
    async close() {},
  };
}

/** A checkpoint folder: config.json, one safetensors file, tokenizer.json / tokenizer_config.json with Emu2's image tokens. */
export function writeTinyEmu2(folder: string, options: TinyEmu2Options = {}): { config: Record<string, unknown>; tensors: Tensors; imageTokenId: number } {
  const tokenizer = buildTokenizerFiles(200);
  const config = tinyEmu2Config(options, tokenizer.vocabularySize + 3);
  const tensors = tinyEmu2Tensors(config, options.seed);
  mkdirSync(folder, { recursive: true });
  writeSafetensors(path.join(folder, 'model.safetensors'), [...tensors].map(([name, tensor]) => ({ name, ...tensor })));
  writeFileSync(path.join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizer.tokenizerJson));
  writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizer.tokenizerConfig));
  return { config, tensors, imageTokenId: tokenizer.ids.image };
}
