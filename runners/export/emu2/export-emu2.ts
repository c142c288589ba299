// Emu2 / Emu2-Chat (HF remote-code EmuForCausalLM: EVA-CLIP 448 px + pooling + project_up + LLaMA-33B)
// → the three graphs the ONNX runner loads. vision_encoder maps pixel_values to the n_query rows that
// replace `<image>` tokens; embed_tokens is the LLaMA embedding; decoder_model_merged is the shared LLaMA
// decoder, fed Emu2's `model.decoder.lm.…` tensors under their LLaMA names. Facts and sources:
// docs/models/emu2.md.
import { ConfigError } from '../../../core/errors.js';
import { CheckpointWeights } from '../checkpoint-weights.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import type { ArchitectureExport, WeightFormat } from '../export-plan.js';
import { buildEmbedTokens } from '../graph/embed-tokens.js';
import { buildLlamaDecoder, runnerTextConfig } from '../graph/llama-decoder.js';
import { llamaRotaryTables } from '../graph/rotary-tables.js';
import { resolveEmu2Settings, type Emu2Options } from './emu2-config.js';
import { checkEmu2Layout, emu2TextName } from './emu2-names.js';
import { emu2PreprocessorConfig } from './emu2-preprocessor.js';
import { EMU2_TOKENS, findEmu2TokenIds } from './emu2-special-tokens.js';
import { buildEmu2VisionEncoder } from './emu2-vision-encoder.js';

export async function planEmu2Export(checkpoint: Checkpoint, configFile: string, config: Record<string, unknown>, format: WeightFormat, options: Emu2Options = {}): Promise<ArchitectureExport> {
  const settings = resolveEmu2Settings(configFile, config, options);
  checkEmu2Layout(checkpoint.tensors, checkpoint.folder);
  const tokens = findEmu2TokenIds(checkpoint.folder);
  const weights = new CheckpointWeights(checkpoint);
  const { text } = settings;
  const graphs = {
    vision_encoder: buildEmu2VisionEncoder(settings, weights.source(), format),
    embed_tokens: buildEmbedTokens(text.vocabularySize, text.hidden, weights.source(emu2TextName), format),
    decoder_model_merged: buildLlamaDecoder(text, llamaRotaryTables(text.maxPositions, text.headDim, text.ropeTheta), weights.source(emu2TextName), format),
  };
  weights.checkAll();
  const notes = [`${settings.imageTokens} visual tokens per image (avg-pool stride ${settings.poolStride} over the ${settings.vision.imageSize / settings.vision.patchSize}² patch grid)`];
  if (settings.videoFrameTokens !== undefined && settings.videoFrameTokens !== settings.imageTokens) {
    notes.push(`the official code gives video frames ${settings.videoFrameTokens} tokens and [gIMG] placeholders; this export encodes every frame like an image (${settings.imageTokens} <image> tokens)`);
  }
  return {
    graphs,
    runnerConfig: {
      ...config,
      image_token: EMU2_TOKENS.image,
      image_token_id: tokens.image,
      image_start_token: EMU2_TOKENS.imageStart,
      image_end_token: EMU2_TOKENS.imageEnd,
      n_image_tokens: settings.imageTokens,
      text_config: runnerTextConfig(text),
    },
    preprocessorConfig: emu2PreprocessorConfig(settings.vision.imageSize),
    notes,
  };
}
