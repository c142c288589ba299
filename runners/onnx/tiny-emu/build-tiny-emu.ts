// Builds tiny-emu, a random-weight model in the onnx-community / transformers.js VLM folder layout.
// Its answers are noise by design: it exists to run the whole pipeline offline, not to score.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sourcePath } from '../../../core/package-root.js';
import { buildDecoder } from './decoder-graph.js';
import { buildEmbedTokens } from './embed-graph.js';
import { buildVisionEncoder } from './vision-graph.js';
import { buildTokenizerFiles, SPECIAL_TOKENS } from './tokenizer-files.js';
import { headDimension, TINY_EMU_DIMENSIONS, type TinyEmuVariant } from './dimensions.js';

const OPSET = 17;
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];
// The builder's TypeScript sources (also when this module runs compiled from dist/).
const builderFolder = sourcePath('runners', 'onnx', 'tiny-emu');
/** The graph code tiny-emu shares with `emu-eval export`: part of what a cached build was built by. */
const sharedGraphFolder = path.resolve(builderFolder, '../../export/graph');

/** Writes the complete model folder into `outDir` (created if needed). */
export async function buildTinyEmu(outDir: string, variant: TinyEmuVariant = 'tiny'): Promise<void> {
  const dimensions = TINY_EMU_DIMENSIONS[variant];
  const tokenizer = buildTokenizerFiles(dimensions.tokenizerMerges);
  const vocabularySize = tokenizer.vocabularySize;
  await mkdir(path.join(outDir, 'onnx'), { recursive: true });

  const config = {
    model_type: 'emu2',
    architectures: ['EmuForCausalLM'],
    _name_or_path: variant === 'tiny' ? 'tiny-emu' : 'tiny-emu-large',
    emu_eval_smoke_test: true,
    emu_eval_build: await builderFingerprint(variant),
    image_token: SPECIAL_TOKENS.image,
    image_token_id: tokenizer.ids.image,
    image_start_token: SPECIAL_TOKENS.imageStart,
    image_end_token: SPECIAL_TOKENS.imageEnd,
    n_image_tokens: dimensions.imageGrid * dimensions.imageGrid,
    bos_token_id: tokenizer.ids.begin,
    eos_token_id: tokenizer.ids.end,
    pad_token_id: tokenizer.ids.padding,
    tie_word_embeddings: false,
    text_config: {
      model_type: 'llama',
      hidden_size: dimensions.hidden,
      num_attention_heads: dimensions.heads,
      num_key_value_heads: dimensions.keyValueHeads,
      head_dim: headDimension(dimensions),
      num_hidden_layers: dimensions.layers,
      intermediate_size: dimensions.intermediate,
      vocab_size: vocabularySize,
      max_position_embeddings: dimensions.maxPositions,
      rms_norm_eps: dimensions.rmsNormEpsilon,
      rope_theta: dimensions.ropeTheta,
    },
    vision_config: { image_size: dimensions.imageSize, patch_size: dimensions.patchSize, hidden_size: dimensions.visionHidden },
  };
  const generationConfig = { bos_token_id: tokenizer.ids.begin, eos_token_id: tokenizer.ids.end, pad_token_id: tokenizer.ids.padding };
  // Emu2's preprocessing (square bicubic resize, CLIP mean/std), at tiny-emu's smaller image size.
  const preprocessorConfig = {
    image_processor_type: 'CLIPImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { height: dimensions.imageSize, width: dimensions.imageSize },
    resample: 3,
    do_center_crop: false,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: CLIP_MEAN,
    image_std: CLIP_STD,
  };

  const writeJson = (name: string, value: unknown) => writeFile(path.join(outDir, name), `${JSON.stringify(value, null, 2)}\n`);
  await Promise.all([
    writeJson('config.json', config),
    writeJson('generation_config.json', generationConfig),
    writeJson('preprocessor_config.json', preprocessorConfig),
    writeJson('tokenizer.json', tokenizer.tokenizerJson),
    writeJson('tokenizer_config.json', tokenizer.tokenizerConfig),
  ]);
  const vision = buildVisionEncoder(dimensions).serialize(OPSET);
  const embed = buildEmbedTokens(dimensions, vocabularySize).serialize(OPSET);
  // The decoder keeps its weights in an external-data file, as multi-gigabyte exports must.
  const decoder = buildDecoder(dimensions, vocabularySize).serialize(OPSET, 'decoder_model_merged.onnx_data');
  await Promise.all([
    writeFile(path.join(outDir, 'onnx', 'vision_encoder.onnx'), vision.model),
    writeFile(path.join(outDir, 'onnx', 'embed_tokens.onnx'), embed.model),
    writeFile(path.join(outDir, 'onnx', 'decoder_model_merged.onnx'), decoder.model),
    writeFile(path.join(outDir, 'onnx', 'decoder_model_merged.onnx_data'), decoder.externalData ?? new Uint8Array()),
  ]);
}

/** A hash of the builder's sources and the graph code it uses: any edit to them rebuilds the cached model. */
export async function builderFingerprint(variant: TinyEmuVariant): Promise<string> {
  const hash = createHash('sha256').update(variant);
  for (const folder of [builderFolder, sharedGraphFolder]) {
    const files = (await readdir(folder)).filter((name) => name.endsWith('.ts')).sort();
    for (const name of files) hash.update(name).update(await readFile(path.join(folder, name)));
  }
  return hash.digest('hex').slice(0, 16);
}
