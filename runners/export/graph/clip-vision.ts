// The CLIP vision tower (transformers' CLIPVisionTransformer) as ONNX nodes, up to a chosen hidden state:
// patch Conv (no bias) → [CLS] + patches → + position embedding → pre_layrnorm → N pre-norm encoder
// layers (bidirectional attention with biases, quick_gelu MLP). hidden_states[k] is the output after k
// layers, so LLaVA's vision_feature_layer −2 of 24 runs 23 layers and never touches post_layernorm.
// In a float16 graph the LayerNorms and the softmax run in float32.
import type { GraphBuilder, WeightSource } from './graph-builder.js';

export interface ClipVisionShape {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  channels: number;
  imageSize: number;
  patchSize: number;
  layerNormEpsilon: number;
  activation: 'quick_gelu' | 'gelu';
}

/** Returns the [B, 1 + patches, hidden] sequence after `layersToRun` encoder layers. */
export function buildClipVisionTower(graph: GraphBuilder, pixels: string, shape: ClipVisionShape, layersToRun: number, weights: WeightSource, prefix: string): string {
  const { hidden, heads, patchSize, channels } = shape;
  const headDim = hidden / heads;
  const patches = (shape.imageSize / patchSize) ** 2;
  const linear = (name: string, input: string, inputs: number, outputs: number) => {
    const product = graph.matmul(input, `${prefix}${name}.weight`, inputs, outputs, weights(`${prefix}${name}.weight`, [inputs, outputs], 'linear'));
    const bias = graph.weight(`${prefix}${name}.bias`, [outputs], weights(`${prefix}${name}.bias`, [outputs], 'tensor'));
    return graph.op('Add', [product, bias]);
  };
  const layerNorm = (name: string, input: string) => {
    const scale = graph.weight(`${prefix}${name}.weight`, [hidden], weights(`${prefix}${name}.weight`, [hidden], 'tensor'), 'float32');
    const bias = graph.weight(`${prefix}${name}.bias`, [hidden], weights(`${prefix}${name}.bias`, [hidden], 'tensor'), 'float32');
    const normalized = graph.op('LayerNormalization', [graph.toFloat32(input), scale, bias], { axis: { int: -1 }, epsilon: { float: shape.layerNormEpsilon } });
    return graph.fromFloat32(normalized);
  };

  const patchName = `${prefix}embeddings.patch_embedding.weight`;
  const patchWeight = graph.weight(patchName, [hidden, channels, patchSize, patchSize], weights(patchName, [hidden, channels, patchSize, patchSize], 'tensor'));
  const grid = graph.op('Conv', [pixels, patchWeight], { kernel_shape: { ints: [patchSize, patchSize] }, strides: { ints: [patchSize, patchSize] } });
  const patchSequence = graph.op('Transpose', [graph.op('Reshape', [grid, graph.int64s([0, hidden, -1])])], { perm: { ints: [0, 2, 1] } });
  // class_embedding is one [hidden] vector shared by every image: broadcast it to [B, 1, hidden].
  const className = `${prefix}embeddings.class_embedding`;
  const classVector = graph.op('Reshape', [graph.weight(className, [hidden], weights(className, [hidden], 'tensor')), graph.int64s([1, 1, hidden])]);
  const batch = graph.op('Slice', [graph.op('Shape', [patchSequence]), graph.int64s([0]), graph.int64s([1]), graph.int64s([0])]);
  const classTokens = graph.op('Expand', [classVector, graph.op('Concat', [batch, graph.int64s([1, hidden])], { axis: { int: 0 } })]);
  const tokens = graph.op('Concat', [classTokens, patchSequence], { axis: { int: 1 } });
  const positionName = `${prefix}embeddings.position_embedding.weight`;
  const positioned = graph.op('Add', [tokens, graph.weight(positionName, [patches + 1, hidden], weights(positionName, [patches + 1, hidden], 'tensor'))]);
  let state = layerNorm('pre_layrnorm', positioned);

  const splitHeads = (value: string) => graph.op('Transpose', [graph.op('Reshape', [value, graph.int64s([0, 0, heads, headDim])])], { perm: { ints: [0, 2, 1, 3] } });
  for (let layer = 0; layer < layersToRun; layer++) {
    const layerPrefix = `encoder.layers.${layer}`;
    const normalized = layerNorm(`${layerPrefix}.layer_norm1`, state);
    const query = splitHeads(linear(`${layerPrefix}.self_attn.q_proj`, normalized, hidden, hidden));
    const key = graph.op('Transpose', [graph.op('Reshape', [linear(`${layerPrefix}.self_attn.k_proj`, normalized, hidden, hidden), graph.int64s([0, 0, heads, headDim])])], { perm: { ints: [0, 2, 3, 1] } });
    const value = splitHeads(linear(`${layerPrefix}.self_attn.v_proj`, normalized, hidden, hidden));
    const scores = graph.op('Mul', [graph.op('MatMul', [query, key]), graph.float(1 / Math.sqrt(headDim))]);
    const probabilities = graph.fromFloat32(graph.op('Softmax', [graph.toFloat32(scores)], { axis: { int: -1 } }));
    const context = graph.op('Transpose', [graph.op('MatMul', [probabilities, value])], { perm: { ints: [0, 2, 1, 3] } });
    const merged = graph.op('Reshape', [context, graph.int64s([0, 0, hidden])]);
    state = graph.op('Add', [state, linear(`${layerPrefix}.self_attn.out_proj`, merged, hidden, hidden)]);

    const mlpInput = layerNorm(`${layerPrefix}.layer_norm2`, state);
    const expanded = linear(`${layerPrefix}.mlp.fc1`, mlpInput, hidden, shape.intermediate);
    const activated = shape.activation === 'quick_gelu' ? graph.op('Mul', [expanded, graph.op('Sigmoid', [graph.op('Mul', [expanded, graph.float(1.702)])])]) : gelu(graph, expanded);
    state = graph.op('Add', [state, linear(`${layerPrefix}.mlp.fc2`, activated, shape.intermediate, hidden)]);
  }
  return state;
}

/** The exact (erf) GELU of torch.nn.functional.gelu, in float32 where the graph is float16. */
export function gelu(graph: GraphBuilder, input: string): string {
  const wide = graph.toFloat32(input);
  const erf = graph.op('Erf', [graph.op('Mul', [wide, graph.float32(Math.SQRT1_2)])]);
  return graph.fromFloat32(graph.op('Mul', [graph.op('Mul', [wide, graph.float32(0.5)]), graph.op('Add', [erf, graph.float32(1)])]));
}
