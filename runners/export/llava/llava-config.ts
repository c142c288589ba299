// LLaVA-1.5's config.json resolved the way transformers does: llava-hf configs spell out only what
// differs from the defaults of LlavaConfig, CLIPVisionConfig and LlamaConfig (the 7B text_config names
// no hidden_size at all), so every default below is the one of those classes, not a guess.
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import type { ClipVisionShape } from '../graph/clip-vision.js';
import type { LlamaTextSettings } from '../graph/llama-decoder.js';

const positive = z.number().int().positive();

const textSchema = z.looseObject({
  model_type: z.string().optional(),
  vocab_size: positive.optional(),
  hidden_size: positive.optional(),
  intermediate_size: positive.optional(),
  num_hidden_layers: positive.optional(),
  num_attention_heads: positive.optional(),
  num_key_value_heads: positive.nullable().optional(),
  head_dim: positive.nullable().optional(),
  max_position_embeddings: positive.optional(),
  rms_norm_eps: z.number().positive().optional(),
  rope_theta: z.number().positive().optional(),
  rope_scaling: z.unknown().optional(),
  hidden_act: z.string().optional(),
  attention_bias: z.boolean().optional(),
  mlp_bias: z.boolean().optional(),
  tie_word_embeddings: z.boolean().optional(),
});

const visionSchema = z.looseObject({
  model_type: z.string().optional(),
  hidden_size: positive.optional(),
  intermediate_size: positive.optional(),
  num_hidden_layers: positive.optional(),
  num_attention_heads: positive.optional(),
  num_channels: positive.optional(),
  image_size: positive.optional(),
  patch_size: positive.optional(),
  hidden_act: z.string().optional(),
  layer_norm_eps: z.number().positive().optional(),
});

export const llavaConfigSchema = z.looseObject({
  model_type: z.literal('llava'),
  text_config: textSchema.optional(),
  vision_config: visionSchema.optional(),
  image_token_index: z.number().int().nonnegative().optional(),
  image_token_id: z.number().int().nonnegative().optional(),
  projector_hidden_act: z.string().optional(),
  vision_feature_select_strategy: z.string().optional(),
  vision_feature_layer: z.union([z.number().int(), z.array(z.number().int())]).optional(),
  multimodal_projector_bias: z.boolean().optional(),
  tie_word_embeddings: z.boolean().optional(),
});

export interface LlavaSettings {
  vision: ClipVisionShape;
  /** Encoder layers to run: hidden_states[vision_feature_layer] is the output after this many layers. */
  featureLayers: number;
  /** "default" drops the CLS token, "full" keeps it. */
  keepClassToken: boolean;
  imageTokens: number;
  imageTokenId: number;
  projectorBias: boolean;
  text: LlamaTextSettings & { tieWordEmbeddings: boolean };
}

export function resolveLlavaSettings(file: string, raw: unknown): LlavaSettings {
  const parsed = llavaConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  }
  const config = parsed.data;
  const unsupported = (field: string, value: unknown, supported: string) => {
    throw new ConfigError(`${file}: ${field} ${JSON.stringify(value)} is not supported by the LLaVA exporter (supported: ${supported})`);
  };

  // LlavaConfig's default vision tower is CLIP ViT-L/14-336; a given dict falls back to CLIPVisionConfig's defaults.
  const given = config.vision_config;
  const visionDefaults = given ? { hidden: 768, intermediate: 3072, layers: 12, heads: 12, imageSize: 224, patchSize: 32 } : { hidden: 1024, intermediate: 4096, layers: 24, heads: 16, imageSize: 336, patchSize: 14 };
  const visionType = given?.model_type ?? 'clip_vision_model';
  if (visionType !== 'clip_vision_model') unsupported('vision_config.model_type', visionType, 'clip_vision_model');
  const activation = given?.hidden_act ?? 'quick_gelu';
  if (activation !== 'quick_gelu' && activation !== 'gelu') unsupported('vision_config.hidden_act', activation, 'quick_gelu, gelu');
  const vision: ClipVisionShape = {
    hidden: given?.hidden_size ?? visionDefaults.hidden,
    intermediate: given?.intermediate_size ?? visionDefaults.intermediate,
    layers: given?.num_hidden_layers ?? visionDefaults.layers,
    heads: given?.num_attention_heads ?? visionDefaults.heads,
    channels: given?.num_channels ?? 3,
    imageSize: given?.image_size ?? visionDefaults.imageSize,
    patchSize: given?.patch_size ?? visionDefaults.patchSize,
    layerNormEpsilon: given?.layer_norm_eps ?? 1e-5,
    activation: activation as ClipVisionShape['activation'],
  };
  if (vision.imageSize % vision.patchSize !== 0) throw new ConfigError(`${file}: vision_config.image_size ${vision.imageSize} is not a multiple of patch_size ${vision.patchSize}`);

  const featureLayer = config.vision_feature_layer ?? -2;
  if (typeof featureLayer !== 'number') unsupported('vision_feature_layer', featureLayer, 'one layer index');
  // hidden_states has layers + 1 entries: the embeddings (after pre_layrnorm), then each layer's output.
  const featureLayers = (featureLayer as number) < 0 ? vision.layers + 1 + (featureLayer as number) : (featureLayer as number);
  if (featureLayers < 0 || featureLayers > vision.layers) throw new ConfigError(`${file}: vision_feature_layer ${featureLayer} is outside the ${vision.layers}-layer vision tower`);
  const strategy = config.vision_feature_select_strategy ?? 'default';
  if (strategy !== 'default' && strategy !== 'full') unsupported('vision_feature_select_strategy', strategy, 'default, full');
  const projectorActivation = config.projector_hidden_act ?? 'gelu';
  if (projectorActivation !== 'gelu') unsupported('projector_hidden_act', projectorActivation, 'gelu');

  const text = config.text_config ?? {};
  const textType = text.model_type ?? 'llama';
  if (textType !== 'llama') unsupported('text_config.model_type', textType, 'llama');
  if (text.rope_scaling !== undefined && text.rope_scaling !== null) unsupported('text_config.rope_scaling', text.rope_scaling, 'none');
  if ((text.hidden_act ?? 'silu') !== 'silu') unsupported('text_config.hidden_act', text.hidden_act, 'silu');
  if (text.attention_bias === true || text.mlp_bias === true) unsupported('text_config.attention_bias/mlp_bias', true, 'false');
  const hidden = text.hidden_size ?? 4096;
  const heads = text.num_attention_heads ?? 32;
  const patchGrid = vision.imageSize / vision.patchSize;
  return {
    vision,
    featureLayers,
    keepClassToken: strategy === 'full',
    imageTokens: patchGrid * patchGrid + (strategy === 'full' ? 1 : 0),
    imageTokenId: config.image_token_index ?? config.image_token_id ?? 32000,
    projectorBias: config.multimodal_projector_bias ?? true,
    text: {
      hidden,
      intermediate: text.intermediate_size ?? 11008,
      layers: text.num_hidden_layers ?? 32,
      heads,
      keyValueHeads: text.num_key_value_heads ?? heads,
      headDim: text.head_dim ?? hidden / heads,
      vocabularySize: text.vocab_size ?? 32000,
      maxPositions: text.max_position_embeddings ?? 2048,
      rmsNormEpsilon: text.rms_norm_eps ?? 1e-6,
      ropeTheta: text.rope_theta ?? 10000,
      tieWordEmbeddings: config.tie_word_embeddings === true || text.tie_word_embeddings === true,
    },
  };
}
