// Schemas for the JSON files of a transformers.js-style model folder, and their reduction to the few
// settings the runner uses. Hub configs carry many fields this runner ignores, so objects are loose;
// the fields it does read are checked strictly and errors name the file and the JSON path.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';

const positiveInteger = z.number().int().positive();
const tokenId = z.number().int().nonnegative();
const tokenIds = z.union([tokenId, z.array(tokenId).min(1)]);

const textFields = {
  hidden_size: positiveInteger.optional(),
  num_attention_heads: positiveInteger.optional(),
  num_key_value_heads: positiveInteger.optional(),
  num_hidden_layers: positiveInteger.optional(),
  head_dim: positiveInteger.optional(),
  vocab_size: positiveInteger.optional(),
  max_position_embeddings: positiveInteger.optional(),
};

export const modelConfigSchema = z.looseObject({
  _name_or_path: z.string().optional(),
  model_type: z.string().optional(),
  /** Set by tiny-emu's builder: a random-weight model whose scores mean nothing. */
  emu_eval_smoke_test: z.boolean().optional(),
  image_token: z.string().optional(),
  image_token_id: tokenId.optional(),
  image_token_index: tokenId.optional(),
  image_start_token: z.string().optional(),
  image_end_token: z.string().optional(),
  n_image_tokens: positiveInteger.optional(),
  image_seq_length: positiveInteger.optional(),
  num_image_tokens: positiveInteger.optional(),
  bos_token_id: tokenId.nullable().optional(),
  eos_token_id: tokenIds.nullable().optional(),
  pad_token_id: tokenId.nullable().optional(),
  tie_word_embeddings: z.boolean().optional(),
  /**
   * Written by `emu-eval export` for CogVLM: "shared" gives a run of image tokens CogVLM's positions
   * (boi, first patch and eoi advance; the other patches share the first patch's); absent = one per token.
   */
  position_ids_for_image_tokens: z.enum(['sequential', 'shared']).optional(),
  /** Written for CogVLM: text around image placeholders is tokenized segment by segment (BOS on the first only). */
  tokenize_text_between_images: z.boolean().optional(),
  text_config: z.looseObject({ ...textFields, eos_token_id: tokenIds.nullable().optional(), tie_word_embeddings: z.boolean().optional() }).optional(),
  ...textFields,
});

export const generationConfigSchema = z.looseObject({
  bos_token_id: tokenId.nullable().optional(),
  eos_token_id: tokenIds.nullable().optional(),
  pad_token_id: tokenId.nullable().optional(),
  length_penalty: z.number().optional(),
  early_stopping: z.union([z.boolean(), z.literal('never')]).optional(),
});

// Plain objects (unknown keys dropped) so the union narrows by key in TypeScript.
const sizeSchema = z.union([
  positiveInteger,
  z.object({ height: positiveInteger, width: positiveInteger }),
  z.object({ shortest_edge: positiveInteger, longest_edge: positiveInteger.optional() }),
  z.object({ longest_edge: positiveInteger }),
]);
const channelValues = z.union([z.number(), z.array(z.number()).length(3)]);

export const preprocessorConfigSchema = z.looseObject({
  do_resize: z.boolean().optional(),
  size: sizeSchema.optional(),
  /** PIL resampling codes, as Hugging Face image processors store them. */
  resample: z.number().int().min(0).max(5).optional(),
  do_center_crop: z.boolean().optional(),
  crop_size: sizeSchema.optional(),
  do_rescale: z.boolean().optional(),
  rescale_factor: z.number().positive().optional(),
  do_normalize: z.boolean().optional(),
  image_mean: channelValues.optional(),
  image_std: channelValues.optional(),
  do_convert_rgb: z.boolean().nullable().optional(),
  do_pad: z.boolean().optional(),
});

export type ModelConfigFile = z.infer<typeof modelConfigSchema>;
export type GenerationConfigFile = z.infer<typeof generationConfigSchema>;
export type PreprocessorConfigFile = z.infer<typeof preprocessorConfigSchema>;

/** Reads and validates one JSON file; errors name the file, the JSON path, and what was wrong. */
export async function readJsonFile<Schema extends z.ZodType>(file: string, schema: Schema): Promise<z.infer<Schema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `${file} is missing` : `cannot read ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    throw new ConfigError(`${file}: ${problems.join('; ')}`);
  }
  return result.data;
}

/** What the runner needs from config.json + generation_config.json, with Hub aliases resolved. */
export interface ModelSettings {
  name?: string;
  smokeTest: boolean;
  imageTokenId: number;
  imageToken?: string;
  imageStartToken?: string;
  imageEndToken?: string;
  /** Visual tokens per image when the config declares it; otherwise taken from the vision encoder. */
  imageTokenCount?: number;
  hiddenSize?: number;
  layers?: number;
  keyValueHeads?: number;
  headDim?: number;
  vocabSize?: number;
  maxPositions?: number;
  bosTokenId?: number;
  eosTokenIds: number[];
  padTokenId?: number;
  tieWordEmbeddings: boolean;
  lengthPenalty: number;
  earlyStopping: boolean | 'never';
  imagePositions: 'sequential' | 'shared';
  tokenizeTextBetweenImages: boolean;
}

export function resolveModelSettings(configFile: string, config: ModelConfigFile, generation: GenerationConfigFile | undefined): ModelSettings {
  const text = config.text_config ?? {};
  const pick = <Key extends keyof typeof textFields>(key: Key) => text[key] ?? config[key];
  const imageTokenId = config.image_token_id ?? config.image_token_index;
  if (imageTokenId === undefined) {
    throw new ConfigError(`${configFile}: image_token_id: expected the id of the image placeholder token (or image_token_index), found nothing`);
  }
  const heads = pick('num_attention_heads');
  const hiddenSize = pick('hidden_size');
  const eos = generation?.eos_token_id ?? text.eos_token_id ?? config.eos_token_id;
  return {
    name: config._name_or_path,
    smokeTest: config.emu_eval_smoke_test === true,
    imageTokenId,
    imageToken: config.image_token,
    imageStartToken: config.image_start_token,
    imageEndToken: config.image_end_token,
    imageTokenCount: config.n_image_tokens ?? config.num_image_tokens ?? config.image_seq_length,
    hiddenSize,
    layers: pick('num_hidden_layers'),
    keyValueHeads: pick('num_key_value_heads') ?? heads,
    headDim: pick('head_dim') ?? (hiddenSize !== undefined && heads !== undefined ? hiddenSize / heads : undefined),
    vocabSize: pick('vocab_size'),
    maxPositions: pick('max_position_embeddings'),
    bosTokenId: (generation?.bos_token_id ?? config.bos_token_id) ?? undefined,
    eosTokenIds: eos === undefined || eos === null ? [] : Array.isArray(eos) ? eos : [eos],
    padTokenId: (generation?.pad_token_id ?? config.pad_token_id) ?? undefined,
    tieWordEmbeddings: text.tie_word_embeddings ?? config.tie_word_embeddings ?? false,
    lengthPenalty: generation?.length_penalty ?? 1,
    earlyStopping: generation?.early_stopping ?? false,
    imagePositions: config.position_ids_for_image_tokens ?? 'sequential',
    tokenizeTextBetweenImages: config.tokenize_text_between_images ?? false,
  };
}
