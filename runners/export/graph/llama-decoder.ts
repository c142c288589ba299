// decoder_model_merged.onnx for LLaMA-family decoders (RMSNorm, rotary positions, grouped KV heads,
// SwiGLU) with the input/output names of transformers.js exports. "Merged" means one graph serves the
// first step (past of length 0) and every cached step after it; attention_mask covers past + current
// tokens and drives both left padding and causality. tiny-emu builds it with random weights; `emu-eval
// export` with a checkpoint's (LLaVA's Vicuna today, Emu2's LLaMA next).
// In a float16 graph the RMSNorm statistics and the softmax run in float32, as onnxruntime-genai's
// builder and Hugging Face's LlamaRMSNorm do: float16 sums of squares overflow and lose the small terms.
import { ElementType, GraphBuilder, type GraphOptions, type WeightSource } from './graph-builder.js';
import type { RotaryTables } from './rotary-tables.js';
import { fusedAttention, fusedAttentionContext, resolveAttention, simplifiedLayerNorm, skipSimplifiedLayerNorm, type AttentionChoice } from './fused-attention.js';

/** Large but finite: a fully masked row (a left-padding query) then softmaxes to uniform, never NaN. */
const MASKED_SCORE = -1e9;

export interface LlamaShape {
  hidden: number;
  heads: number;
  keyValueHeads: number;
  headDim: number;
  layers: number;
  intermediate: number;
  vocabularySize: number;
  rmsNormEpsilon: number;
}

/** A LLaMA decoder as an architecture's config describes it: the graph's shape plus its positions. */
export interface LlamaTextSettings extends LlamaShape {
  maxPositions: number;
  ropeTheta: number;
}

/** The `text_config` the ONNX runner reads (runners/onnx/config.ts) for an exported LLaMA decoder. */
export function runnerTextConfig(text: LlamaTextSettings, tieWordEmbeddings = false): Record<string, unknown> {
  return {
    model_type: 'llama',
    hidden_size: text.hidden,
    intermediate_size: text.intermediate,
    num_hidden_layers: text.layers,
    num_attention_heads: text.heads,
    num_key_value_heads: text.keyValueHeads,
    head_dim: text.headDim,
    vocab_size: text.vocabularySize,
    max_position_embeddings: text.maxPositions,
    rms_norm_eps: text.rmsNormEpsilon,
    rope_theta: text.ropeTheta,
    tie_word_embeddings: tieWordEmbeddings,
  };
}

export type { RotaryTables } from './rotary-tables.js';

/**
 * Replaces a layer's projections for decoders whose weights depend on the token (CogVLM's visual expert).
 * Each hook returns what LLaMA's own projection would: q/k/v as [B, S, heads·headDim], the attention
 * output and the MLP output as [B, S, hidden].
 */
export interface DecoderLayerProjections {
  queryKeyValue(layer: number, normalized: string): { query: string; key: string; value: string };
  attentionOutput(layer: number, merged: string): string;
  mlp(layer: number, normalized: string): string;
}

export interface LlamaDecoderOptions extends GraphOptions {
  /** Older exports have no num_logits_to_keep input and return logits for every position. */
  logitsToKeepInput?: boolean;
  /** Called once after the standard inputs are declared (it may declare more); absent = LLaMA's projections. */
  projections?: (graph: GraphBuilder) => DecoderLayerProjections;
  /**
   * `fused`: onnxruntime's GroupQueryAttention, RotaryEmbedding and (Skip)SimplifiedLayerNormalization
   * (./fused-attention.ts); `fused-where-supported` falls back to plain, with a note, for shapes
   * GroupQueryAttention cannot run; default `plain`.
   */
  attention?: AttentionChoice;
}

/** `weights` is asked for the Hugging Face LLaMA names: `model.layers.0.self_attn.q_proj.weight`, `model.norm.weight`, `lm_head.weight`. */
export function buildLlamaDecoder(shape: LlamaShape, rotary: RotaryTables, weights: WeightSource, options: LlamaDecoderOptions = {}): GraphBuilder {
  const { hidden, heads, keyValueHeads, layers, intermediate, headDim, vocabularySize } = shape;
  const graph = new GraphBuilder('decoder_model_merged', options);
  const floatType = graph.floatType;
  const linear = (input: string, name: string, inputs: number, outputs: number, outputName?: string) =>
    graph.matmul(input, name, inputs, outputs, weights(name, [inputs, outputs], 'linear'), outputName);
  const attention = resolveAttention(options.attention, headDim);
  if (attention.note) graph.notes.push(attention.note);
  const fused = attention.kind === 'fused';
  const normScale = (weightName: string) => graph.weight(weightName, [hidden], weights(weightName, [hidden], 'tensor'));
  const rmsNorm = (value: string, weightName: string) => {
    const scale = normScale(weightName);
    if (fused) return simplifiedLayerNorm(graph, value, scale, shape.rmsNormEpsilon);
    const wide = graph.toFloat32(value);
    const meanSquare = graph.op('ReduceMean', [graph.op('Mul', [wide, wide])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
    const root = graph.op('Sqrt', [graph.op('Add', [meanSquare, graph.float32(shape.rmsNormEpsilon)])]);
    return graph.op('Mul', [graph.fromFloat32(graph.op('Div', [wide, root])), scale]);
  };

  const embeds = graph.input('inputs_embeds', floatType, ['batch_size', 'sequence_length', hidden]);
  const attentionMask = graph.input('attention_mask', ElementType.int64, ['batch_size', 'total_sequence_length']);
  const positionIds = graph.input('position_ids', ElementType.int64, ['batch_size', 'sequence_length']);
  const pastNames: Array<{ key: string; value: string }> = [];
  for (let layer = 0; layer < layers; layer++) {
    const dims = ['batch_size', keyValueHeads, 'past_sequence_length', headDim];
    pastNames.push({
      key: graph.input(`past_key_values.${layer}.key`, floatType, dims),
      value: graph.input(`past_key_values.${layer}.value`, floatType, dims),
    });
  }
  const logitsToKeep = options.logitsToKeepInput === false ? undefined : graph.input('num_logits_to_keep', ElementType.int64, []);
  const custom = options.projections?.(graph);

  const clampPositions = () => graph.op('Max', [positionIds, graph.int64s([0], [])]);
  const context = fused ? fusedAttentionContext(graph, embeds, attentionMask, clampPositions(), rotary, headDim, keyValueHeads !== heads) : undefined;
  const plain = context ? undefined : plainAttention();

  /** The plain graph's mask, rotary and head reshapes, shared by every layer. */
  function plainAttention() {
    // allowed[b, 0, i, j]: query i (absolute position past + i) may see key j when j ≤ past + i and key j is
    // not padding. Causality comes from positions in the cache, not from position_ids, so left padding works.
    const scalarIndex = (index: number) => graph.int64s([index], []);
    const totalLength = graph.op('Gather', [graph.op('Shape', [attentionMask]), scalarIndex(1)], { axis: { int: 0 } });
    const currentLength = graph.op('Gather', [graph.op('Shape', [embeds]), scalarIndex(1)], { axis: { int: 0 } });
    const pastLength = graph.op('Sub', [totalLength, currentLength]);
    const one = scalarIndex(1);
    const keyPositions = graph.op('Range', [scalarIndex(0), totalLength, one]);
    const queryPositions = graph.op('Unsqueeze', [graph.op('Range', [pastLength, totalLength, one]), graph.int64s([1])]);
    const causal = graph.op('LessOrEqual', [keyPositions, queryPositions]);
    const notPadding = graph.op('Unsqueeze', [graph.op('Cast', [attentionMask], { to: { int: ElementType.bool } }), graph.int64s([1, 2])]);
    const allowed = graph.op('And', [causal, notPadding]);
    const maskedScore = graph.float32(MASKED_SCORE);

    // Rotary tables are buffers, not parameters: the `rotary_emb` name keeps them out of parameter counts.
    const clampedPositions = clampPositions();
    const table = (name: string, values: Float32Array) =>
      graph.op('Unsqueeze', [graph.op('Gather', [graph.weight(name, [rotary.maxPositions, headDim], values, graph.precision), clampedPositions], { axis: { int: 0 } }), graph.int64s([1])]);
    const cos = table('model.rotary_emb.cos_cached', rotary.cos);
    const sin = table('model.rotary_emb.sin_cached', rotary.sin);
    const half = headDim / 2;
    const rotate = (value: string) => {
      const axis = graph.int64s([3]);
      const first = graph.op('Slice', [value, graph.int64s([0]), graph.int64s([half]), axis]);
      const second = graph.op('Slice', [value, graph.int64s([half]), graph.int64s([headDim]), axis]);
      const rotated = graph.op('Concat', [graph.op('Neg', [second]), first], { axis: { int: 3 } });
      return graph.op('Add', [graph.op('Mul', [value, cos]), graph.op('Mul', [rotated, sin])]);
    };
    const splitHeads = (value: string, headCount: number) =>
      graph.op('Transpose', [graph.op('Reshape', [value, graph.int64s([0, 0, headCount, headDim])])], { perm: { ints: [0, 2, 1, 3] } });
    // Grouped-query attention without copying keys and values per query head (HF's repeat_kv): query heads
    // h = kv·g + r are laid out so [B, heads, S, d] reshapes for free to [B, kvHeads, g·S, d], one matmul per KV head.
    const groupQueries = (value: string) => graph.op('Reshape', [value, graph.int64s([0, keyValueHeads, -1, headDim])]);
    const perQueryHead = (value: string) => graph.op('Reshape', [value, graph.int64s([0, heads, -1, 0])]);
    const perKeyValueHead = (value: string) => graph.op('Reshape', [value, graph.int64s([0, keyValueHeads, -1, 0])]);
    return { allowed, maskedScore, rotate, splitHeads, groupQueries, perQueryHead, perKeyValueHead };
  }
  // The residual stream: `pending` is the last block's output, added (and normalized) by the next norm, so
  // the fused graph can do both in one SkipSimplifiedLayerNormalization.
  let residual = embeds;
  let pending: string | undefined;
  const addAndNormalize = (weightName: string) => {
    if (pending === undefined) return rmsNorm(residual, weightName);
    const delta = pending;
    pending = undefined;
    if (fused) {
      const { normalized, sum } = skipSimplifiedLayerNorm(graph, residual, delta, normScale(weightName), shape.rmsNormEpsilon);
      residual = sum;
      return normalized;
    }
    residual = graph.op('Add', [residual, delta]);
    return rmsNorm(residual, weightName);
  };

  for (let layer = 0; layer < layers; layer++) {
    const prefix = `model.layers.${layer}`;
    const normalized = addAndNormalize(`${prefix}.input_layernorm.weight`);
    const projection = (name: string, outputs: number) => linear(normalized, `${prefix}.self_attn.${name}.weight`, hidden, outputs);
    // The `??` keeps LLaMA's node order exactly as it was, so LLaMA exports stay byte-identical.
    const routed = custom?.queryKeyValue(layer, normalized);
    const merged = context
      ? fusedAttention(
          graph,
          context,
          {
            query: routed?.query ?? projection('q_proj', heads * headDim),
            key: routed?.key ?? projection('k_proj', keyValueHeads * headDim),
            value: routed?.value ?? projection('v_proj', keyValueHeads * headDim),
            pastKey: pastNames[layer].key,
            pastValue: pastNames[layer].value,
            presentKey: `present.${layer}.key`,
            presentValue: `present.${layer}.value`,
          },
          heads,
          keyValueHeads,
        )
      : plainLayerAttention(plain!, routed, projection, layer);
    const attentionOutput = custom ? custom.attentionOutput(layer, merged) : linear(merged, `${prefix}.self_attn.o_proj.weight`, heads * headDim, hidden);
    pending = attentionOutput;

    const mlpInput = addAndNormalize(`${prefix}.post_attention_layernorm.weight`);
    if (custom) {
      pending = custom.mlp(layer, mlpInput);
      continue;
    }
    const gate = linear(mlpInput, `${prefix}.mlp.gate_proj.weight`, hidden, intermediate);
    const up = linear(mlpInput, `${prefix}.mlp.up_proj.weight`, hidden, intermediate);
    const activated = graph.op('Mul', [graph.op('Mul', [gate, graph.op('Sigmoid', [gate])]), up]);
    pending = linear(activated, `${prefix}.mlp.down_proj.weight`, intermediate, hidden);
  }

  function plainLayerAttention(
    { allowed, maskedScore, rotate, splitHeads, groupQueries, perQueryHead, perKeyValueHead }: NonNullable<typeof plain>,
    routed: { query: string; key: string; value: string } | undefined,
    projection: (name: string, outputs: number) => string,
    layer: number,
  ): string {
    const query = rotate(splitHeads(routed?.query ?? projection('q_proj', heads * headDim), heads));
    const key = rotate(splitHeads(routed?.key ?? projection('k_proj', keyValueHeads * headDim), keyValueHeads));
    const value = splitHeads(routed?.value ?? projection('v_proj', keyValueHeads * headDim), keyValueHeads);
    const presentKey = graph.op('Concat', [pastNames[layer].key, key], { axis: { int: 2 } }, `present.${layer}.key`);
    const presentValue = graph.op('Concat', [pastNames[layer].value, value], { axis: { int: 2 } }, `present.${layer}.value`);

    const keysTransposed = graph.op('Transpose', [presentKey], { perm: { ints: [0, 1, 3, 2] } });
    const groupedScores = graph.op('Mul', [graph.op('MatMul', [groupQueries(query), keysTransposed]), graph.float(1 / Math.sqrt(headDim))]);
    const scores = graph.toFloat32(perQueryHead(groupedScores));
    const probabilities = graph.fromFloat32(graph.op('Softmax', [graph.op('Where', [allowed, scores, maskedScore])], { axis: { int: -1 } }));
    const groupedContext = graph.op('MatMul', [perKeyValueHead(probabilities), presentValue]);
    const perHeadContext = graph.op('Reshape', [groupedContext, graph.int64s([0, heads, -1, headDim])]);
    return graph.op('Reshape', [graph.op('Transpose', [perHeadContext], { perm: { ints: [0, 2, 1, 3] } }), graph.int64s([0, 0, heads * headDim])]);
  }

  const finalHidden = addAndNormalize('model.norm.weight');
  // Only the last `num_logits_to_keep` positions reach the vocabulary projection (0 keeps all), so a long
  // prompt's first step does not pay for logits nobody reads.
  let kept = finalHidden;
  if (logitsToKeep) {
    const keepFrom = graph.op('Unsqueeze', [graph.op('Neg', [logitsToKeep]), graph.int64s([0])]);
    kept = graph.op('Slice', [finalHidden, keepFrom, graph.int64s([Number.MAX_SAFE_INTEGER]), graph.int64s([1])]);
  }
  linear(kept, 'lm_head.weight', hidden, vocabularySize, 'logits');

  graph.output('logits', floatType, ['batch_size', 'logits_length', vocabularySize]);
  for (let layer = 0; layer < layers; layer++) {
    const dims = ['batch_size', keyValueHeads, 'total_sequence_length', headDim];
    graph.output(`present.${layer}.key`, floatType, dims);
    graph.output(`present.${layer}.value`, floatType, dims);
  }
  return graph;
}
