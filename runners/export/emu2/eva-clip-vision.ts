// Emu2's EVA-CLIP vision tower as ONNX nodes, transcribed from EVAVisionTransformer.forward_features in
// baaivision/Emu @ 13c395e, Emu2/emu/eva_vit.py (the remote-code visual.py, as copied in
// yuangpeng/dreambench_plus @ df0b960 dreambench_plus/models/eva_clip/modeling_eva_vit_emu2.py, is the same):
//   patch_embed.proj (Conv2d with bias) → flatten → [cls_token] + patches → + pos_embed (absolute, learned)
//   → blocks (no rotary embedding: `self.rope = None`; no relative position bias) → returned as is: no
//   final norm, no head, every token kept (the caller drops CLS).
// Block with postnorm (Emu2): x = x + norm1(attn(x)); x = x + norm2(mlp(x)); otherwise pre-norm.
// Attention (subln False): one fused qkv Linear without bias, then q_bias and v_bias added (the key gets
// the zeros torch.cat puts between them), q scaled by head_dim^-0.5, softmax over all tokens, proj Linear
// with bias. MLP: fc1 → nn.GELU (erf) → fc2. LayerNorm eps from the config (1e-6 in Emu2).
// In a float16 graph the LayerNorms, GELU and softmax run in float32 (the GraphBuilder islands).
import { gelu } from '../graph/clip-vision.js';
import type { GraphBuilder, WeightSource } from '../graph/graph-builder.js';
import type { EvaVisionShape } from './emu2-config.js';

/** Returns the tower's output sequence, [B, 1 + patches, width]; `prefix` is where its tensors live (`model.visual.`). */
export function buildEvaClipTower(graph: GraphBuilder, pixels: string, shape: EvaVisionShape, weights: WeightSource, prefix: string): string {
  const { width, heads, patchSize, mlpHidden } = shape;
  const headDim = width / heads;
  const patches = (shape.imageSize / patchSize) ** 2;
  const tensor = (name: string, dims: number[], precision?: 'float32') => graph.weight(`${prefix}${name}`, dims, weights(`${prefix}${name}`, dims, 'tensor'), precision);
  // input · W: MatMul, or MatMulNBits in a quantized export.
  const product = (input: string, name: string, inputs: number, outputs: number) =>
    graph.matmul(input, `${prefix}${name}`, inputs, outputs, weights(`${prefix}${name}`, [inputs, outputs], 'linear'));
  const linear = (name: string, input: string, inputs: number, outputs: number) =>
    graph.op('Add', [product(input, `${name}.weight`, inputs, outputs), tensor(`${name}.bias`, [outputs])]);
  const layerNorm = (name: string, input: string) => {
    const normalized = graph.op('LayerNormalization', [graph.toFloat32(input), tensor(`${name}.weight`, [width], 'float32'), tensor(`${name}.bias`, [width], 'float32')], {
      axis: { int: -1 },
      epsilon: { float: shape.layerNormEpsilon },
    });
    return graph.fromFloat32(normalized);
  };

  const grid = graph.op('Conv', [pixels, tensor('patch_embed.proj.weight', [width, 3, patchSize, patchSize]), tensor('patch_embed.proj.bias', [width])], {
    kernel_shape: { ints: [patchSize, patchSize] },
    strides: { ints: [patchSize, patchSize] },
  });
  // flatten(2).transpose(1, 2): patches in row-major (row, column) order, which encode_image relies on.
  const patchSequence = graph.op('Transpose', [graph.op('Reshape', [grid, graph.int64s([0, width, -1])])], { perm: { ints: [0, 2, 1] } });
  const batch = graph.op('Slice', [graph.op('Shape', [patchSequence]), graph.int64s([0]), graph.int64s([1]), graph.int64s([0])]);
  const classTokens = graph.op('Expand', [tensor('cls_token', [1, 1, width]), graph.op('Concat', [batch, graph.int64s([1, width])], { axis: { int: 0 } })]);
  let state = graph.op('Add', [graph.op('Concat', [classTokens, patchSequence], { axis: { int: 1 } }), tensor('pos_embed', [1, patches + 1, width])]);

  const heads4d = (value: string) => graph.op('Reshape', [value, graph.int64s([0, 0, heads, headDim])]);
  const lastAxis = graph.int64s([2]);
  const third = (value: string, index: number) => graph.op('Slice', [value, graph.int64s([index * width]), graph.int64s([(index + 1) * width]), lastAxis]);
  const attention = (name: string, input: string) => {
    // qkv.reshape(B, N, 3, heads, head_dim): the fused output is [q | k | v], each head-major.
    const qkv = product(input, `${name}.qkv.weight`, width, 3 * width);
    let query = third(qkv, 0);
    const key = third(qkv, 1);
    let value = third(qkv, 2);
    if (shape.qkvBias) {
      query = graph.op('Add', [query, tensor(`${name}.q_bias`, [width])]);
      value = graph.op('Add', [value, tensor(`${name}.v_bias`, [width])]);
    }
    const queryHeads = graph.op('Transpose', [heads4d(query)], { perm: { ints: [0, 2, 1, 3] } });
    const keyHeadsTransposed = graph.op('Transpose', [heads4d(key)], { perm: { ints: [0, 2, 3, 1] } });
    const valueHeads = graph.op('Transpose', [heads4d(value)], { perm: { ints: [0, 2, 1, 3] } });
    // q = q * scale before q @ kᵀ, as the reference does (not scores * scale): same rounding in float16.
    const scores = graph.op('MatMul', [graph.op('Mul', [queryHeads, graph.float(1 / Math.sqrt(headDim))]), keyHeadsTransposed]);
    const probabilities = graph.fromFloat32(graph.op('Softmax', [graph.toFloat32(scores)], { axis: { int: -1 } }));
    const context = graph.op('Transpose', [graph.op('MatMul', [probabilities, valueHeads])], { perm: { ints: [0, 2, 1, 3] } });
    return linear(`${name}.proj`, graph.op('Reshape', [context, graph.int64s([0, 0, width])]), width, width);
  };
  const mlp = (name: string, input: string) => linear(`${name}.fc2`, gelu(graph, linear(`${name}.fc1`, input, width, mlpHidden)), mlpHidden, width);

  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blocks.${layer}`;
    if (shape.postnorm) {
      state = graph.op('Add', [state, layerNorm(`${block}.norm1`, attention(`${block}.attn`, state))]);
      state = graph.op('Add', [state, layerNorm(`${block}.norm2`, mlp(`${block}.mlp`, state))]);
    } else {
      state = graph.op('Add', [state, attention(`${block}.attn`, layerNorm(`${block}.norm1`, state))]);
      state = graph.op('Add', [state, mlp(`${block}.mlp`, layerNorm(`${block}.norm2`, state))]);
    }
  }
  return state;
}
