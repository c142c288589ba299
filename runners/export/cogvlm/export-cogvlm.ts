// CogVLM (CogVLMForCausalLM: EVA2-CLIP-E + GLU adapter + Vicuna-7B with a visual expert in every layer)
// → the three graphs the ONNX runner loads. docs/models/cogvlm.md lists the code this follows.
//  - vision_encoder: pixel_values [B, 3, 490, 490] → image_features [B, 1227, 4096]: the tower's CLS row
//    dropped (35×35 = 1225 patch rows kept), the GLU adapter, then the learned boi and eoi vectors around
//    them — visual.py's EVA2CLIPModel.forward. There is no 2×2 conv downsampling (that is CogVLM2 / GLM-4V).
//  - embed_tokens: the text embedding.
//  - decoder_model_merged: the LLaMA decoder with the visual expert routed by a token_type_ids input.
// The runner config tells the runner to give image tokens CogVLM's positions and to tokenize the text
// after an image on its own, as build_conversation_input_ids does.
import { gelu } from '../graph/clip-vision.js';
import { buildEva2ClipTower } from '../graph/eva2-clip-vision.js';
import { buildEmbedTokens } from '../graph/embed-tokens.js';
import { GraphBuilder, type WeightSource } from '../graph/graph-builder.js';
import { buildLlamaDecoder, runnerTextConfig } from '../graph/llama-decoder.js';
import { llamaRotaryTables } from '../graph/rotary-tables.js';
import { CheckpointWeights } from '../checkpoint-weights.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import type { ArchitectureExport, WeightFormat } from '../export-plan.js';
import { resolveCogvlmSettings, type CogvlmSettings } from './cogvlm-config.js';
import { visualExpertProjections } from './visual-expert.js';

/** nn.LayerNorm's default epsilon: the GLU adapter's norm1 is built without one. */
const ADAPTER_LAYER_NORM_EPSILON = 1e-5;
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

export async function planCogvlmExport(checkpoint: Checkpoint, configFile: string, config: Record<string, unknown>, format: WeightFormat): Promise<ArchitectureExport> {
  const settings = resolveCogvlmSettings(configFile, config);
  const weights = new CheckpointWeights(checkpoint);
  const source = weights.source();
  const { text } = settings;
  const graphs = {
    vision_encoder: buildVisionEncoder(settings, source, format),
    embed_tokens: buildEmbedTokens(text.vocabularySize, text.hidden, source, format),
    decoder_model_merged: buildLlamaDecoder(text, llamaRotaryTables(text.maxPositions, text.headDim, text.ropeTheta), source, {
      ...format,
      projections: visualExpertProjections({ hidden: text.hidden, intermediate: text.intermediate }, source),
    }),
  };
  weights.checkAll();
  return {
    graphs,
    runnerConfig: {
      ...config,
      model_type: 'cogvlm',
      image_token_id: settings.imageTokenId,
      n_image_tokens: settings.imageTokens,
      // modeling_cogvlm.py's build_position_ids: boi, the first patch and eoi advance the position; all other patches share the first patch's.
      position_ids_for_image_tokens: 'shared',
      // build_conversation_input_ids: [BOS] + image + tokenizer.encode(text, add_special_tokens=False).
      tokenize_text_between_images: true,
      text_config: runnerTextConfig(text),
    },
    preprocessorConfig: {
      // build_conversation_input_ids: Resize((490, 490), BICUBIC) — no aspect ratio kept, no crop — then CLIP's mean/std.
      do_convert_rgb: true,
      do_resize: true,
      size: { height: settings.vision.imageSize, width: settings.vision.imageSize },
      resample: 3,
      do_center_crop: false,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: CLIP_MEAN,
      image_std: CLIP_STD,
    },
    notes: [`template_version "${settings.templateVersion}" (the runner takes its prompt text from the protocol preset; --protocol cogvlm is the vqa template)`],
  };
}

function buildVisionEncoder(settings: CogvlmSettings, weights: WeightSource, format: WeightFormat): GraphBuilder {
  const { vision, text } = settings;
  const graph = new GraphBuilder('vision_encoder', format);
  const pixels = graph.input('pixel_values', graph.floatType, ['batch_size', vision.channels, vision.imageSize, vision.imageSize]);
  const tower = buildEva2ClipTower(graph, pixels, vision, weights, 'model.vision.');
  const patches = graph.op('Slice', [tower, graph.int64s([1]), graph.int64s([Number.MAX_SAFE_INTEGER]), graph.int64s([1])]);

  // visual.py's GLU: linear_proj → LayerNorm → GELU → SwiGLU (gate_proj, dense_h_to_4h) → dense_4h_to_h, no biases.
  const adapter = 'model.vision.linear_proj.';
  const linear = (input: string, name: string, inputs: number, outputs: number) => {
    const weightName = `${adapter}${name}.weight`;
    return graph.matmul(input, weightName, inputs, outputs, weights(weightName, [inputs, outputs], 'linear'));
  };
  const tensor = (name: string, dims: number[], float32?: 'float32') => graph.weight(name, dims, weights(name, dims, 'tensor'), float32);
  const projected = linear(patches, 'linear_proj', vision.hidden, text.hidden);
  const normalized = graph.fromFloat32(graph.op('LayerNormalization', [graph.toFloat32(projected), tensor(`${adapter}norm1.weight`, [text.hidden], 'float32'), tensor(`${adapter}norm1.bias`, [text.hidden], 'float32')], {
    axis: { int: -1 },
    epsilon: { float: ADAPTER_LAYER_NORM_EPSILON },
  }));
  const activated = gelu(graph, normalized);
  const gate = linear(activated, 'gate_proj', text.hidden, settings.adapterIntermediate);
  const up = linear(activated, 'dense_h_to_4h', text.hidden, settings.adapterIntermediate);
  const gated = graph.op('Mul', [graph.op('Mul', [gate, graph.op('Sigmoid', [gate])]), up]);
  const adapted = linear(gated, 'dense_4h_to_h', settings.adapterIntermediate, text.hidden);

  // boi and eoi are [1, 1, hidden] parameters, expanded over the batch around each image's rows.
  const batchShape = graph.op('Concat', [graph.op('Slice', [graph.op('Shape', [adapted]), graph.int64s([0]), graph.int64s([1]), graph.int64s([0])]), graph.int64s([1, text.hidden])], { axis: { int: 0 } });
  const marker = (name: string) => graph.op('Expand', [tensor(`model.vision.${name}`, [1, 1, text.hidden]), batchShape]);
  graph.op('Concat', [marker('boi'), adapted, marker('eoi')], { axis: { int: 1 } }, 'image_features');
  graph.output('image_features', graph.floatType, ['batch_size', settings.imageTokens, text.hidden]);
  return graph;
}
