// Emu2 / Emu2-Chat config.json (the Hugging Face remote-code EmuConfig) resolved into what the exporter
// builds. Sources, read for this file (huggingface.co/BAAI/Emu2 itself was not reachable from here):
// - baaivision/Emu @ 13c395e, Emu2/emu/conf/emu_conf.py: CLIPVisionCfg (448 px, patch 14, width 1792,
//   64 layers, head_width 112, mlp_ratio 8.571428571428571, qkv_bias, postnorm, rope False, n_query 64,
//   v_query 64), Emu2/emu/chat.py: Emu2-Chat is `instruct=True` → CLIPVisionCfg(n_query=256, v_query=64);
//   Emu2/emu/emu.py: LayerNorm eps 1e-6; Emu2/emu/conf/llama_config/config.json: the LLaMA-33B shape.
// - The remote-code modeling_emu.py / configuration_emu.py as copied in yuangpeng/dreambench_plus @ df0b960
//   (dreambench_plus/models/emu/): EmuModel reads every vision field below from `config.vision_config`
//   through argparse.Namespace — so a checkpoint always carries them, and a missing one is an error here,
//   not a default — `config.d_model` is project_up's input width, LLaMA fields sit at the top level, and
//   `model_version` is "base" or "chat".
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import type { LlamaTextSettings } from '../graph/llama-decoder.js';

const positive = z.number().int().positive();

const visionSchema = z.looseObject({
  image_size: positive,
  patch_size: positive,
  width: positive,
  layers: positive,
  head_width: positive,
  mlp_ratio: z.number().positive(),
  qkv_bias: z.boolean(),
  layer_norm_eps: z.number().positive(),
  postnorm: z.boolean(),
  n_query: positive,
  v_query: positive.optional(),
  // Read by the GitHub EmuModel only; the tensors they would need are not in Emu2's checkpoints.
  naiveswiglu: z.boolean().optional(),
  subln: z.boolean().optional(),
});

export const emu2ConfigSchema = z.looseObject({
  architectures: z.array(z.string()).optional(),
  model_version: z.string().optional(),
  d_model: positive.optional(),
  vision_config: visionSchema,
  hidden_size: positive,
  intermediate_size: positive,
  num_hidden_layers: positive,
  num_attention_heads: positive,
  num_key_value_heads: positive.nullable().optional(),
  vocab_size: positive,
  max_position_embeddings: positive.optional(),
  rms_norm_eps: z.number().positive().optional(),
  rope_theta: z.number().positive().optional(),
  rope_scaling: z.unknown().optional(),
  hidden_act: z.string().optional(),
  attention_bias: z.boolean().optional(),
  pretraining_tp: z.number().int().optional(),
  tie_word_embeddings: z.boolean().optional(),
});

/** The EVA-CLIP tower of Emu2 (EVAVisionTransformer of Emu2/emu/eva_vit.py) plus its pooling. */
export interface EvaVisionShape {
  imageSize: number;
  patchSize: number;
  width: number;
  layers: number;
  heads: number;
  /** int(width · mlp_ratio), as Block computes mlp_hidden_dim. */
  mlpHidden: number;
  qkvBias: boolean;
  /** Block.forward: x + norm1(attn(x)) (post-norm, Emu2) or x + attn(norm1(x)). */
  postnorm: boolean;
  layerNormEpsilon: number;
}

export interface Emu2Settings {
  vision: EvaVisionShape;
  /** Visual tokens per image: vision_config.n_query (64 Emu2, 256 Emu2-Chat), unless overridden. */
  imageTokens: number;
  /** avg_pool2d kernel and stride over the patch grid (EmuModel.encode_image). */
  poolStride: number;
  /** Visual tokens per video frame in the official code (v_query); the runner does not use it yet. */
  videoFrameTokens?: number;
  /** "chat" for Emu2-Chat. */
  modelVersion?: string;
  text: LlamaTextSettings;
}

export interface Emu2Options {
  /** Overrides vision_config.n_query (the official native loader picks 64 or 256 with its `instruct` flag). */
  imageTokens?: number;
}

export function resolveEmu2Settings(file: string, raw: unknown, options: Emu2Options = {}): Emu2Settings {
  const parsed = emu2ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')} (Emu2's EmuConfig)`);
  }
  const config = parsed.data;
  const given = config.vision_config;
  const unsupported = (field: string, value: unknown, supported: string) => {
    throw new ConfigError(`${file}: ${field} ${JSON.stringify(value)} is not supported by the Emu2 exporter (supported: ${supported})`);
  };
  if (given.naiveswiglu === true) unsupported('vision_config.naiveswiglu', true, 'false (GELU MLP, as Emu2 ships)');
  if (given.subln === true) unsupported('vision_config.subln', true, 'false (fused qkv, as Emu2 ships)');
  if (given.width % given.head_width !== 0) throw new ConfigError(`${file}: vision_config.width ${given.width} is not a multiple of head_width ${given.head_width}`);
  if (given.image_size % given.patch_size !== 0) throw new ConfigError(`${file}: vision_config.image_size ${given.image_size} is not a multiple of patch_size ${given.patch_size}`);
  if (config.d_model !== undefined && config.d_model !== given.width) {
    throw new ConfigError(`${file}: d_model ${config.d_model} (project_up's input) differs from vision_config.width ${given.width} (the vision tower's output)`);
  }
  if (config.rope_scaling !== undefined && config.rope_scaling !== null) unsupported('rope_scaling', config.rope_scaling, 'none');
  if ((config.hidden_act ?? 'silu') !== 'silu') unsupported('hidden_act', config.hidden_act, 'silu');
  if (config.attention_bias === true) unsupported('attention_bias', true, 'false');
  if ((config.pretraining_tp ?? 1) !== 1) unsupported('pretraining_tp', config.pretraining_tp, '1');
  if (config.tie_word_embeddings === true) unsupported('tie_word_embeddings', true, 'false (Emu2 has its own lm_head)');

  const grid = given.image_size / given.patch_size;
  const imageTokens = options.imageTokens ?? given.n_query;
  const poolStride = poolStrideFor(grid, imageTokens, file);
  const heads = config.num_attention_heads;
  return {
    vision: {
      imageSize: given.image_size,
      patchSize: given.patch_size,
      width: given.width,
      layers: given.layers,
      heads: given.width / given.head_width,
      mlpHidden: Math.trunc(given.width * given.mlp_ratio),
      qkvBias: given.qkv_bias,
      postnorm: given.postnorm,
      layerNormEpsilon: given.layer_norm_eps,
    },
    imageTokens,
    poolStride,
    videoFrameTokens: given.v_query,
    modelVersion: config.model_version,
    text: {
      hidden: config.hidden_size,
      intermediate: config.intermediate_size,
      layers: config.num_hidden_layers,
      heads,
      keyValueHeads: config.num_key_value_heads ?? heads,
      headDim: config.hidden_size / heads,
      vocabularySize: config.vocab_size,
      maxPositions: config.max_position_embeddings ?? 2048,
      rmsNormEpsilon: config.rms_norm_eps ?? 1e-6,
      ropeTheta: config.rope_theta ?? 10000,
    },
  };
}

/**
 * EmuModel.encode_image: stride = int(sqrt_n // (n_query ** 0.5)), then avg_pool2d(kernel = stride =
 * stride) without padding or ceil mode, so the pooled side is floor((grid − stride) / stride) + 1. The
 * placeholders hold exactly n_query `<image>` tokens, so any other count would fail in the official code.
 */
export function poolStrideFor(grid: number, imageTokens: number, file: string): number {
  const stride = Math.floor(grid / Math.sqrt(imageTokens));
  const side = stride >= 1 ? Math.floor((grid - stride) / stride) + 1 : 0;
  if (side * side !== imageTokens) {
    throw new ConfigError(
      `${file}: ${imageTokens} visual tokens per image cannot come from the ${grid}×${grid} patch grid: Emu2's pooling ` +
        `(stride ${stride}) gives ${side * side}; use a square number whose root divides the grid (64 or 256 for 448/14)`,
    );
  }
  return stride;
}
