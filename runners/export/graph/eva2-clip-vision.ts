// The EVA2-CLIP vision tower as CogVLM's Hugging Face remote code (visual.py) lays it out, as ONNX nodes:
// patch Conv (with bias) → [CLS] + patches → + position embedding → N layers. Unlike CLIP's pre-norm
// layers, each layer normalizes the sublayer's *output* before the residual add ("sandwich" without the
// input norm): h = h + LN₁(attention(h)); h = h + LN₂(mlp(h)). Attention uses one fused query_key_value
// projection with bias; the MLP is fc1 → exact GELU → fc2. There is no final LayerNorm.
// Kept apart from clip-vision.ts (and from Emu2's EVA-CLIP) so the EVA variants can be unified later.
// In a float16 graph the LayerNorms, GELU and softmax run in float32.
import { gelu } from './clip-vision.js';
import type { GraphBuilder, WeightSource } from './graph-builder.js';

export interface Eva2ClipShape {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  channels: number;
  imageSize: number;
  patchSize: number;
  layerNormEpsilon: number;
}

/** Returns the [B, 1 + patches, hidden] sequence after all layers; `prefix` is e.g. `model.vision.`. */
export function buildEva2ClipTower(graph: GraphBuilder, pixels: string, shape: Eva2ClipShape, weights: WeightSource, prefix: string): string {
  const { hidden, heads, patchSize, channels } = shape;
  const headDim = hidden / heads;
  const patches = (shape.imageSize / patchSize) ** 2;
  const tensor = (name: string, dims: number[], precision?: 'float32') => graph.weight(`${prefix}${name}`, dims, weights(`${prefix}${name}`, dims, 'tensor'), precision);
  const linear = (name: string, input: string, inputs: number, outputs: number) => {
    const product = graph.matmul(input, `${prefix}${name}.weight`, inputs, outputs, weights(`${prefix}${name}.weight`, [inputs, outputs], 'linear'));
    return graph.op('Add', [product, tensor(`${name}.bias`, [outputs])]);
  };
  const layerNorm = (name: string, input: string) => {
    const normalized = graph.op('LayerNormalization', [graph.toFloat32(input), tensor(`${name}.weight`, [hidden], 'float32'), tensor(`${name}.bias`, [hidden], 'float32')], {
      axis: { int: -1 },
      epsilon: { float: shape.layerNormEpsilon },
    });
    return graph.fromFloat32(normalized);
  };

  const convolved = graph.op('Conv', [pixels, tensor('patch_embedding.proj.weight', [hidden, channels, patchSize, patchSize]), tensor('patch_embedding.proj.bias', [hidden])], {
    kernel_shape: { ints: [patchSize, patchSize] },
    strides: { ints: [patchSize, patchSize] },
  });
  const patchSequence = graph.op('Transpose', [graph.op('Reshape', [convolved, graph.int64s([0, hidden, -1])])], { perm: { ints: [0, 2, 1] } });
  // cls_embedding is stored [1, hidden]: one vector shared by every image, broadcast to [B, 1, hidden].
  const classVector = graph.op('Reshape', [tensor('patch_embedding.cls_embedding', [1, hidden]), graph.int64s([1, 1, hidden])]);
  const batch = graph.op('Slice', [graph.op('Shape', [patchSequence]), graph.int64s([0]), graph.int64s([1]), graph.int64s([0])]);
  const classTokens = graph.op('Expand', [classVector, graph.op('Concat', [batch, graph.int64s([1, hidden])], { axis: { int: 0 } })]);
  const tokens = graph.op('Concat', [classTokens, patchSequence], { axis: { int: 1 } });
  let state = graph.op('Add', [tokens, tensor('patch_embedding.position_embedding.weight', [patches + 1, hidden])]);

  for (let layer = 0; layer < shape.layers; layer++) {
    const p = `transformer.layers.${layer}`;
    // query_key_value's output is [q | k | v], each split into heads: reshape to [B, L, 3, H, d] as visual.py does.
    const fused = graph.op('Reshape', [linear(`${p}.attention.query_key_value`, state, hidden, 3 * hidden), graph.int64s([0, 0, 3, heads, headDim])]);
    const qkv = graph.op('Transpose', [fused], { perm: { ints: [2, 0, 3, 1, 4] } });
    const part = (index: number) => graph.op('Gather', [qkv, graph.int64s([index], [])], { axis: { int: 0 } });
    const query = part(0);
    const keyTransposed = graph.op('Transpose', [part(1)], { perm: { ints: [0, 1, 3, 2] } });
    const value = part(2);
    const scores = graph.op('Mul', [graph.op('MatMul', [query, keyTransposed]), graph.float(1 / Math.sqrt(headDim))]);
    const probabilities = graph.fromFloat32(graph.op('Softmax', [graph.toFloat32(scores)], { axis: { int: -1 } }));
    const context = graph.op('Transpose', [graph.op('MatMul', [probabilities, value])], { perm: { ints: [0, 2, 1, 3] } });
    const attended = linear(`${p}.attention.dense`, graph.op('Reshape', [context, graph.int64s([0, 0, hidden])]), hidden, hidden);
    state = graph.op('Add', [state, layerNorm(`${p}.input_layernorm`, attended)]);

    const expanded = gelu(graph, linear(`${p}.mlp.fc1`, state, hidden, shape.intermediate));
    state = graph.op('Add', [state, layerNorm(`${p}.post_attention_layernorm`, linear(`${p}.mlp.fc2`, expanded, shape.intermediate, hidden))]);
  }
  return state;
}
