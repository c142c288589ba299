// Parameter counts from the ONNX weight tables, per component: vision (the vision encoder minus its
// projection), projection, and language (token embeddings + decoder). A graph can mislead — constant
// buffers, packed quantized weights, duplicated tied embeddings — so the rules below correct the known
// cases, and `--params` overrides the count for the rest.
import type { ParamCount } from '../../core/contracts/runner.js';
import type { ModelFolder } from './model-folder.js';
import type { OnnxFileSummary } from './onnx-file-scan.js';

/** Buffers exporters store as initializers but that are not trained parameters. */
const BUFFER_NAME = /(rotary_emb|inv_freq|cos_cached|sin_cached|masked_bias)/i;
/** Module names the vision→language projection goes by (Emu2's `project_up`, LLaVA's `multi_modal_projector` …). */
const PROJECTION_NAME = /(^|[./_])(project_up|multi_modal_projector|mm_projector|visual_projection|image_projection|projector|connector)([./_]|$)/i;
/** CogVLM's adapter (the GLU `linear_proj`) and its learned boi/eoi vectors, under the vision tower's `model.vision.`. */
const COGVLM_ADAPTER_NAME = /^model\.vision\.(linear_proj\.|boi$|eoi$)/;
/** int32/int64/bool/string initializers are shapes, axes and indices, unless a quantized op says otherwise. */
const NON_PARAMETER_TYPES = new Set([6, 7, 8, 9]);

export interface ComponentCount {
  total: number;
  projection: number;
}

export function countComponent(summary: OnnxFileSummary): ComponentCount {
  let total = 0;
  let projection = 0;
  for (const initializer of summary.initializers.values()) {
    if (summary.quantizationAuxiliaries.has(initializer.name) || BUFFER_NAME.test(initializer.name)) continue;
    // Scalars are graph constants (epsilons, scales, fill values), not weights.
    if (initializer.dims.length === 0) continue;
    const quantized = summary.quantizedParameterCounts.get(initializer.name);
    let count: number;
    if (typeof quantized === 'number') count = quantized;
    else if (quantized !== undefined) count = initializer.elementCount * quantized.multiplier;
    else if (NON_PARAMETER_TYPES.has(initializer.dataType)) continue;
    else count = initializer.elementCount;
    total += count;
    if (PROJECTION_NAME.test(initializer.name) || COGVLM_ADAPTER_NAME.test(initializer.name)) projection += count;
  }
  return { total, projection };
}

export function countParameters(folder: ModelFolder): ParamCount {
  const vision = countComponent(folder.scans.vision_encoder);
  const embed = countComponent(folder.scans.embed_tokens);
  const decoder = countComponent(folder.scans.decoder_model_merged);
  // Tied embeddings are one matrix in the original model but two initializers after export.
  const language = decoder.total + (folder.settings.tieWordEmbeddings ? 0 : embed.total);
  const visionOnly = vision.total - vision.projection;
  return {
    total: visionOnly + vision.projection + language,
    vision: visionOnly,
    projection: vision.projection,
    language,
    source: 'counted',
  };
}

/** `--params`: the declared total replaces the count, since the graph could not be trusted for this model. */
export function declaredParameters(total: number): ParamCount {
  return { total, source: 'declared' };
}
