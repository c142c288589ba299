// LLaVA-1.5 (LlavaForConditionalGeneration: CLIP ViT-L/14-336 + 2-layer GELU projector + Vicuna/LLaMA)
// → the three graphs the ONNX runner loads. vision_encoder maps pixel_values to projected image features
// ([B, 576, text hidden] for 336/14 with the CLS token dropped), embed_tokens is the text embedding, and
// decoder_model_merged is the shared LLaMA decoder.
import { buildClipVisionTower, gelu } from '../graph/clip-vision.js';
import { buildEmbedTokens } from '../graph/embed-tokens.js';
import { GraphBuilder, type WeightSource } from '../graph/graph-builder.js';
import { buildLlamaDecoder, runnerTextConfig } from '../graph/llama-decoder.js';
import { llamaRotaryTables } from '../graph/rotary-tables.js';
import { CheckpointWeights } from '../checkpoint-weights.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import type { ArchitectureExport, WeightFormat } from '../export-plan.js';
import { clipPreprocessorConfig } from './clip-preprocessor.js';
import { detectLlavaNames } from './llava-names.js';
import { resolveLlavaSettings, type LlavaSettings } from './llava-config.js';

export async function planLlavaExport(checkpoint: Checkpoint, configFile: string, config: Record<string, unknown>, format: WeightFormat): Promise<ArchitectureExport> {
  const settings = resolveLlavaSettings(configFile, config);
  const names = detectLlavaNames(checkpoint.tensors, checkpoint.folder, settings.text.tieWordEmbeddings);
  const weights = new CheckpointWeights(checkpoint);
  const graphs = {
    vision_encoder: buildVisionEncoder(settings, weights.source(), names.vision, names.projector, format),
    embed_tokens: buildEmbedTokens(settings.text.vocabularySize, settings.text.hidden, weights.source(names.text), format),
    decoder_model_merged: buildLlamaDecoder(
      settings.text,
      llamaRotaryTables(settings.text.maxPositions, settings.text.headDim, settings.text.ropeTheta),
      weights.source(names.text),
      format,
    ),
  };
  weights.checkAll();
  const { text } = settings;
  return {
    graphs,
    runnerConfig: {
      ...config,
      image_token_id: settings.imageTokenId,
      n_image_tokens: settings.imageTokens,
      text_config: {
        ...(typeof config.text_config === 'object' && config.text_config !== null ? config.text_config : {}),
        ...runnerTextConfig(text, text.tieWordEmbeddings),
      },
    },
    preprocessorConfig: clipPreprocessorConfig(settings.vision.imageSize),
    notes: [`tensor names: ${names.generation === 'classic' ? 'transformers < 4.52 (language_model.model.…)' : 'transformers ≥ 4.52 (model.language_model.…)'}`],
  };
}

function buildVisionEncoder(settings: LlavaSettings, weights: WeightSource, visionPrefix: string, projectorPrefix: string, format: WeightFormat): GraphBuilder {
  const { vision, text } = settings;
  const graph = new GraphBuilder('vision_encoder', format);
  const pixels = graph.input('pixel_values', graph.floatType, ['batch_size', vision.channels, vision.imageSize, vision.imageSize]);
  const hiddenStates = buildClipVisionTower(graph, pixels, vision, settings.featureLayers, weights, visionPrefix);
  // vision_feature_select_strategy "default" drops the CLS token: image_features = hidden_states[k][:, 1:].
  const selected = settings.keepClassToken ? hiddenStates : graph.op('Slice', [hiddenStates, graph.int64s([1]), graph.int64s([Number.MAX_SAFE_INTEGER]), graph.int64s([1])]);
  const linear = (name: string, input: string, inputs: number, outputs: number) => {
    const weightName = `${projectorPrefix}${name}.weight`;
    const product = graph.matmul(input, weightName, inputs, outputs, weights(weightName, [inputs, outputs], 'linear'));
    if (!settings.projectorBias) return product;
    const biasName = `${projectorPrefix}${name}.bias`;
    return graph.op('Add', [product, graph.weight(biasName, [outputs], weights(biasName, [outputs], 'tensor'))]);
  };
  const projected = linear('linear_2', gelu(graph, linear('linear_1', selected, vision.hidden, text.hidden)), text.hidden, text.hidden);
  graph.op('Identity', [projected], {}, 'image_features');
  graph.output('image_features', graph.floatType, ['batch_size', settings.imageTokens, text.hidden]);
  return graph;
}
