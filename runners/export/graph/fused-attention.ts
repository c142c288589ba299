// The fused form of the LLaMA decoder's attention and norms, after onnxruntime-genai's model builder:
// com.microsoft.RotaryEmbedding on the projected queries and keys, one fused attention node per layer
// (causal softmax(QKᵀ/√d)V over past + current keys, writing present.* in the same BNSH layout as the
// plain graph), SimplifiedLayerNormalization for the first RMSNorm and com.microsoft.
// SkipSimplifiedLayerNormalization (residual add + RMSNorm in one kernel) for the others. The graph keeps
// the plain graph's inputs (what the fused nodes need is derived from attention_mask), so a runner feeds
// both graphs alike.
//
// Left padding, which the runner uses for batches, decides the attention node:
// - com.microsoft.MultiHeadAttention (decoders with as many KV heads as query heads: LLaVA-1.5's Vicuna,
//   Emu2's LLaMA-33B, CogVLM) takes attention_mask as key_padding_mask with `unidirectional` (causal),
//   on CPU and CUDA.
// - com.microsoft.GroupQueryAttention (grouped KV heads) models padding as right padding (seqlens_k per
//   row); a left-padded row is given the full length and its padding keys are masked through
//   attention_bias. onnxruntime's CUDA kernel refuses attention_bias (group_query_attention.cc:
//   "attention_bias is not supported in GroupQueryAttention cuda kernel"), so such graphs run on CPU only.
// Rotary positions come from position_ids through RotaryEmbedding, not from the attention node's own
// rotary, which derives them from sequence lengths.
import { ConfigError } from '../../../core/errors.js';
import { ElementType, type GraphBuilder } from './graph-builder.js';
import type { RotaryTables } from './rotary-tables.js';

/** How a decoder's attention and RMSNorms are expressed: standard ONNX operators, or onnxruntime's fused contrib operators. */
export const ATTENTION_KINDS = ['plain', 'fused'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** What the exporter is asked for: a kind, or `fused-where-supported` (the fp16 default) that falls back to plain. */
export type AttentionChoice = AttentionKind | 'fused-where-supported';

export const MICROSOFT_DOMAIN = 'com.microsoft';

/** Why onnxruntime's GroupQueryAttention cannot run a decoder of this shape, or undefined when it can. */
export function fusedAttentionUnsupported(headDim: number): string | undefined {
  // onnxruntime's CPU and CUDA kernels both refuse other head sizes at run time.
  if (headDim % 8 !== 0) return `head size ${headDim} is not a multiple of 8, which GroupQueryAttention needs`;
  return undefined;
}

/** The attention a decoder of this head size gets for a choice; an explicit `fused` it cannot run is an error. */
export function resolveAttention(choice: AttentionChoice | undefined, headDim: number): { kind: AttentionKind; note?: string } {
  if (choice === undefined || choice === 'plain') return { kind: 'plain' };
  const reason = fusedAttentionUnsupported(headDim);
  if (!reason) return { kind: 'fused' };
  if (choice === 'fused') throw new ConfigError(`--attention fused: ${reason}; export with --attention plain`, true);
  return { kind: 'plain', note: `attention: plain instead of the fp16 default fused: ${reason}` };
}

/**
 * Added to a padding key's score. Finite so a row of only padding (a left-padding query) softmaxes to
 * finite values instead of NaN, and small enough in magnitude to stay finite in float16 (max 65504)
 * after the score is added; exp(-10000) is 0 in float32, so real queries give padding exactly no weight.
 */
export const PADDING_BIAS = -10000;

/** The per-step values every layer's attention node shares. */
export interface FusedAttentionContext {
  /** MultiHeadAttention: attention_mask as int32 [B, total]; built only for decoders without grouped KV heads. */
  keyPaddingMask?: string;
  /** GroupQueryAttention: built only for grouped-KV decoders. */
  grouped?: { seqlensK: string; totalLength: string; attentionBias: string };
  positions: string;
  cosCache: string;
  sinCache: string;
}

export function fusedAttentionContext(graph: GraphBuilder, embeds: string, attentionMask: string, clampedPositions: string, rotary: RotaryTables, headDim: number, groupedHeads: boolean): FusedAttentionContext {
  const grouped = groupedHeads ? groupedAttentionInputs(graph, embeds, attentionMask) : undefined;
  const keyPaddingMask = groupedHeads ? undefined : graph.op('Cast', [attentionMask], { to: { int: ElementType.int32 } });
  // RotaryEmbedding's caches hold each frequency once: the first half of Hugging Face's [cos, cos] rows.
  const half = headDim / 2;
  const halfTable = (name: string, values: Float32Array) => {
    const table = new Float32Array(rotary.maxPositions * half);
    for (let position = 0; position < rotary.maxPositions; position++) table.set(values.subarray(position * headDim, position * headDim + half), position * half);
    return graph.weight(name, [rotary.maxPositions, half], table, graph.precision);
  };
  return {
    ...(keyPaddingMask ? { keyPaddingMask } : {}),
    ...(grouped ? { grouped } : {}),
    positions: clampedPositions,
    cosCache: halfTable('model.rotary_emb.cos_cache', rotary.cos),
    sinCache: halfTable('model.rotary_emb.sin_cache', rotary.sin),
  };
}

/** GroupQueryAttention's seqlens_k and total_sequence_length, and left padding as attention_bias [B, 1, S, total]. */
function groupedAttentionInputs(graph: GraphBuilder, embeds: string, attentionMask: string): NonNullable<FusedAttentionContext['grouped']> {
  const dimension = (value: string, axis: number) => graph.op('Slice', [graph.op('Shape', [value]), graph.int64s([axis]), graph.int64s([axis + 1])]);
  const batch = dimension(attentionMask, 0);
  const total = dimension(attentionMask, 1);
  const totalLength = graph.op('Cast', [graph.op('Squeeze', [total, graph.int64s([0])])], { to: { int: ElementType.int32 } });
  // Every row holds the whole cache (left padding is masked by the bias), so seqlens_k = total - 1 for all.
  const seqlensK = graph.op('Cast', [graph.op('Expand', [graph.op('Sub', [total, graph.int64s([1])]), batch])], { to: { int: ElementType.int32 } });
  const padding = graph.op('Where', [graph.op('Cast', [attentionMask], { to: { int: ElementType.bool } }), graph.float(0), graph.float(PADDING_BIAS)]);
  const biasShape = graph.op('Concat', [batch, graph.int64s([1]), dimension(embeds, 1), total], { axis: { int: 0 } });
  const attentionBias = graph.op('Expand', [graph.op('Unsqueeze', [padding, graph.int64s([1, 2])]), biasShape]);
  return { seqlensK, totalLength, attentionBias };
}

export interface FusedAttentionLayer {
  /** [B, S, heads·headDim], [B, S, kvHeads·headDim] ×2, before rotary. */
  query: string;
  key: string;
  value: string;
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
}

/** One layer's attention; returns the merged heads [B, S, heads·headDim], as the plain graph's `merged`. */
export function fusedAttention(graph: GraphBuilder, context: FusedAttentionContext, layer: FusedAttentionLayer, heads: number, keyValueHeads: number): string {
  const rotate = (value: string) => graph.op('RotaryEmbedding', [value, context.positions, context.cosCache, context.sinCache], { interleaved: { int: 0 } }, undefined, MICROSOFT_DOMAIN);
  const outputs = [null, layer.presentKey, layer.presentValue];
  if (context.keyPaddingMask) {
    const [output] = graph.node(
      'MultiHeadAttention',
      [rotate(layer.query), rotate(layer.key), layer.value, '', context.keyPaddingMask, '', layer.pastKey, layer.pastValue],
      outputs,
      { num_heads: { int: heads }, unidirectional: { int: 1 }, mask_filter_value: { float: PADDING_BIAS } },
      MICROSOFT_DOMAIN,
    );
    return output;
  }
  const { seqlensK, totalLength, attentionBias } = context.grouped!;
  const [output] = graph.node(
    'GroupQueryAttention',
    [rotate(layer.query), rotate(layer.key), layer.value, layer.pastKey, layer.pastValue, seqlensK, totalLength, '', '', '', attentionBias],
    outputs,
    { num_heads: { int: heads }, kv_num_heads: { int: keyValueHeads } },
    MICROSOFT_DOMAIN,
  );
  return output;
}

/** RMSNorm of the decoder input (float32 statistics, as the plain graph computes them). */
export function simplifiedLayerNorm(graph: GraphBuilder, value: string, scale: string, epsilon: number): string {
  return graph.op('SimplifiedLayerNormalization', [value, scale], { axis: { int: -1 }, epsilon: { float: epsilon }, stash_type: { int: 1 } });
}

/** residual + delta and its RMSNorm in one kernel: returns both. */
export function skipSimplifiedLayerNorm(graph: GraphBuilder, residual: string, delta: string, scale: string, epsilon: number): { normalized: string; sum: string } {
  const [normalized, , , sum] = graph.node('SkipSimplifiedLayerNormalization', [residual, delta, scale], [null, '', '', null], { epsilon: { float: epsilon } }, MICROSOFT_DOMAIN);
  return { normalized, sum };
}
