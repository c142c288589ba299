// CogVLM's config.json (THUDM/cogvlm-chat-hf, -base-490-hf, -base-224-hf, -grounding-*-hf) resolved as its
// remote configuration_cogvlm.py does: CogVLMConfig's keyword defaults for the language side (Vicuna-7B:
// 4096 hidden, 32 layers, 32 heads, 11008 MLP), and vision_config passed through as a plain dict with no
// defaults at all — so every vision field must be present. There is no model_type in these configs;
// the architecture is recognised by `architectures: ["CogVLMForCausalLM"]`.
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import type { Eva2ClipShape } from '../graph/eva2-clip-vision.js';
import type { LlamaTextSettings } from '../graph/llama-decoder.js';

const positive = z.number().int().positive();

const visionSchema = z.looseObject({
  hidden_size: positive,
  intermediate_size: positive,
  num_hidden_layers: positive,
  num_heads: positive,
  in_channels: positive,
  image_size: positive,
  patch_size: positive,
  num_positions: positive,
  layer_norm_eps: z.number().positive(),
  hidden_act: z.string(),
});

export const cogvlmConfigSchema = z.looseObject({
  vocab_size: positive.optional(),
  hidden_size: positive.optional(),
  intermediate_size: positive.optional(),
  num_hidden_layers: positive.optional(),
  num_attention_heads: positive.optional(),
  /** CogVLM2 (LLaMA-3, grouped queries) has this; CogVLM's visual-expert attention has no grouped queries. */
  num_multi_query_heads: positive.optional(),
  hidden_act: z.string().optional(),
  max_position_embeddings: positive.optional(),
  rms_norm_eps: z.number().positive().optional(),
  template_version: z.enum(['base', 'chat', 'vqa']).optional(),
  pad_token_id: z.number().int().nonnegative().optional(),
  bos_token_id: z.number().int().nonnegative().optional(),
  eos_token_id: z.number().int().nonnegative().optional(),
  tie_word_embeddings: z.boolean().optional(),
  vision_config: visionSchema,
});

export interface CogvlmSettings {
  vision: Eva2ClipShape;
  /** Visual tokens per image in the decoder: boi + (image_size / patch_size)² patches + eoi. */
  imageTokens: number;
  /** The placeholder id at image positions: build_conversation_input_ids fills them with pad_token_id. */
  imageTokenId: number;
  templateVersion: 'base' | 'chat' | 'vqa';
  text: LlamaTextSettings;
  /** The GLU adapter's inner width: the decoder's intermediate_size (visual.py's GLU reads config.intermediate_size). */
  adapterIntermediate: number;
}

export function resolveCogvlmSettings(file: string, raw: unknown): CogvlmSettings {
  const parsed = cogvlmConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  }
  const config = parsed.data;
  const unsupported = (field: string, value: unknown, supported: string): never => {
    throw new ConfigError(`${file}: ${field} ${JSON.stringify(value)} is not supported by the CogVLM exporter (supported: ${supported})`);
  };
  if (config.num_multi_query_heads !== undefined) unsupported('num_multi_query_heads (a CogVLM2 / LLaMA-3 checkpoint)', config.num_multi_query_heads, 'CogVLM-17B checkpoints without it');
  if ((config.hidden_act ?? 'silu') !== 'silu') unsupported('hidden_act', config.hidden_act, 'silu');
  if (config.tie_word_embeddings === true) unsupported('tie_word_embeddings', true, 'false');
  const given = config.vision_config;
  if (given.hidden_act !== 'gelu') unsupported('vision_config.hidden_act', given.hidden_act, 'gelu');
  if (given.image_size % given.patch_size !== 0) throw new ConfigError(`${file}: vision_config.image_size ${given.image_size} is not a multiple of patch_size ${given.patch_size}`);
  const patches = (given.image_size / given.patch_size) ** 2;
  if (given.num_positions !== patches + 1) {
    throw new ConfigError(`${file}: vision_config.num_positions is ${given.num_positions}, but a ${given.image_size}px image in ${given.patch_size}px patches has ${patches} patches + CLS = ${patches + 1}`);
  }

  const hidden = config.hidden_size ?? 4096;
  const heads = config.num_attention_heads ?? 32;
  if (hidden % heads !== 0) throw new ConfigError(`${file}: hidden_size ${hidden} is not divisible by num_attention_heads ${heads}`);
  const intermediate = config.intermediate_size ?? 11008;
  return {
    vision: {
      hidden: given.hidden_size,
      intermediate: given.intermediate_size,
      layers: given.num_hidden_layers,
      heads: given.num_heads,
      channels: given.in_channels,
      imageSize: given.image_size,
      patchSize: given.patch_size,
      layerNormEpsilon: given.layer_norm_eps,
    },
    imageTokens: patches + 2,
    imageTokenId: config.pad_token_id ?? 0,
    templateVersion: config.template_version ?? 'chat',
    adapterIntermediate: intermediate,
    text: {
      hidden,
      heads,
      keyValueHeads: heads,
      headDim: hidden / heads,
      layers: config.num_hidden_layers ?? 32,
      intermediate,
      vocabularySize: config.vocab_size ?? 32000,
      rmsNormEpsilon: config.rms_norm_eps ?? 1e-6,
      maxPositions: config.max_position_embeddings ?? 2048,
      // RotaryEmbedding(dim=head_dim) in modeling_cogvlm.py: base 10000, no scaling.
      ropeTheta: 10000,
    },
  };
}
