// CogVLM's visual expert as decoder-layer projections: every layer has two copies of the attention's
// fused query_key_value and dense projections and of the SwiGLU MLP — `vision_expert_*` / `vision_mlp`
// for image tokens, `language_expert_*` / `language_mlp` for text — and each token goes through exactly
// one of them. The graph takes `token_type_ids` [B, S] (1 = image) and routes as modeling_cogvlm.py's
// get_expert_mask does: a token is a vision token when it *and the token after it* (within this call)
// are image tokens, so the last image token (eoi) and every decode step use the language expert.
// Tokens are gathered per expert (GatherND on the NonZero indices), projected, and scattered back, so a
// decode step of text pays for the language expert alone and a prompt pays for each token once.
import { ElementType, type GraphBuilder, type WeightSource } from '../graph/graph-builder.js';
import type { DecoderLayerProjections } from '../graph/llama-decoder.js';

export interface VisualExpertShape {
  hidden: number;
  intermediate: number;
}

export function visualExpertProjections(shape: VisualExpertShape, weights: WeightSource): (graph: GraphBuilder) => DecoderLayerProjections {
  const { hidden, intermediate } = shape;
  return (graph) => {
    const tokenTypes = graph.input('token_type_ids', ElementType.int64, ['batch_size', 'sequence_length']);
    const imageType = graph.int64s([1], []);
    const axis1 = graph.int64s([1]);
    // The type of the next token; the last token has none (modeling_cogvlm.py leaves its mask False).
    const following = graph.op('Concat', [
      graph.op('Slice', [tokenTypes, graph.int64s([1]), graph.int64s([Number.MAX_SAFE_INTEGER]), axis1]),
      graph.op('Mul', [graph.op('Slice', [tokenTypes, graph.int64s([0]), graph.int64s([1]), axis1]), graph.int64s([0], [])]),
    ], { axis: { int: 1 } });
    const visionMask = graph.op('And', [graph.op('Equal', [tokenTypes, imageType]), graph.op('Equal', [following, imageType])]);
    const visionRows = graph.op('Transpose', [graph.op('NonZero', [visionMask])]);
    const languageRows = graph.op('Transpose', [graph.op('NonZero', [graph.op('Not', [visionMask])])]);
    const batchAndSequence = (value: string) => graph.op('Slice', [graph.op('Shape', [value]), graph.int64s([0]), graph.int64s([2]), graph.int64s([0])]);

    /** [B, S, in] → [B, S, width]: the vision rows through `vision`, all others through `language`. */
    const route = (input: string, width: number, vision: (rows: string) => string, language: (rows: string) => string) => {
      const empty = graph.op('Expand', [graph.float(0), graph.op('Concat', [batchAndSequence(input), graph.int64s([width])], { axis: { int: 0 } })]);
      const withVision = graph.op('ScatterND', [empty, visionRows, vision(graph.op('GatherND', [input, visionRows]))]);
      return graph.op('ScatterND', [withVision, languageRows, language(graph.op('GatherND', [input, languageRows]))]);
    };
    // rows · W through the graph's MatMul path: MatMul, or MatMulNBits in a quantized export (both experts alike).
    const linear = (rows: string, name: string, inputs: number, outputs: number) => graph.matmul(rows, name, inputs, outputs, weights(name, [inputs, outputs], 'linear'));
    const projectWith = (name: string, inputs: number, outputs: number) => (rows: string) => linear(rows, name, inputs, outputs);
    const swiGlu = (prefix: string) => (rows: string) => {
      const gate = linear(rows, `${prefix}.gate_proj.weight`, hidden, intermediate);
      const up = linear(rows, `${prefix}.up_proj.weight`, hidden, intermediate);
      const activated = graph.op('Mul', [graph.op('Mul', [gate, graph.op('Sigmoid', [gate])]), up]);
      return linear(activated, `${prefix}.down_proj.weight`, intermediate, hidden);
    };
    const lastAxis = graph.int64s([2]);
    const slice = (value: string, start: number) => graph.op('Slice', [value, graph.int64s([start]), graph.int64s([start + hidden]), lastAxis]);

    return {
      queryKeyValue(layer, normalized) {
        const attention = `model.layers.${layer}.self_attn`;
        // torch.split(mixed_raw_layer, hidden_size, dim=-1): [query | key | value].
        const mixed = route(normalized, 3 * hidden, projectWith(`${attention}.vision_expert_query_key_value.weight`, hidden, 3 * hidden), projectWith(`${attention}.language_expert_query_key_value.weight`, hidden, 3 * hidden));
        return { query: slice(mixed, 0), key: slice(mixed, hidden), value: slice(mixed, 2 * hidden) };
      },
      attentionOutput(layer, merged) {
        const attention = `model.layers.${layer}.self_attn`;
        return route(merged, hidden, projectWith(`${attention}.vision_expert_dense.weight`, hidden, hidden), projectWith(`${attention}.language_expert_dense.weight`, hidden, hidden));
      },
      mlp(layer, normalized) {
        return route(normalized, hidden, swiGlu(`model.layers.${layer}.mlp.vision_mlp`), swiGlu(`model.layers.${layer}.mlp.language_mlp`));
      },
    };
  };
}
