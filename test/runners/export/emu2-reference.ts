// An independent, deliberately plain forward pass of Emu2's image path in TypeScript (float64 loops, no
// ONNX), written line by line from baaivision/Emu Emu2/emu/eva_vit.py (EVAVisionTransformer,
// Block, Attention with subln False, Mlp) and Emu2/emu/emu.py (encode_image, project_up):
//   x = cat(cls_token, conv(image).flatten(2).transpose(1, 2)) + pos_embed
//   per block: qkv = x @ qkv.weightᵀ + cat(q_bias, zeros, v_bias); q = q · head_dim^-0.5;
//              attn = softmax(q kᵀ) v; proj; post-norm: x += norm1(attn(x)); x += norm2(fc2(gelu(fc1(x))))
//   drop CLS → avg_pool2d(stride) over the √n × √n grid → project_up (no bias)
import { erf } from './llava-reference.js';
import type { Tensors } from './tiny-emu2-checkpoint.js';

type Matrix = number[][];

interface VisionConfig {
  image_size: number;
  patch_size: number;
  width: number;
  layers: number;
  head_width: number;
  mlp_ratio: number;
  qkv_bias: boolean;
  layer_norm_eps: number;
  postnorm: boolean;
  n_query: number;
}

/** pixels: one image, [3, size, size] flattened. Returns [n_query][hidden]. */
export function emu2ImageFeatures(tensors: Tensors, config: Record<string, unknown>, pixels: Float32Array): Matrix {
  const vision = config.vision_config as VisionConfig;
  const get = (name: string) => {
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`reference: no tensor ${name}`);
    return tensor.values;
  };
  const tokens = evaTower(vision, (name) => get(`model.visual.${name}`), pixels);
  const grid = vision.image_size / vision.patch_size;
  const pooled = averagePool(tokens.slice(1), grid, Math.floor(grid / Math.sqrt(vision.n_query)));
  return linear(pooled, get('project_up.weight'), undefined, config.hidden_size as number);
}

export function evaTower(vision: VisionConfig, get: (name: string) => Float32Array, pixels: Float32Array): Matrix {
  const { image_size: size, patch_size: patch, width } = vision;
  const grid = size / patch;
  const heads = Math.floor(width / vision.head_width);
  const headDim = width / heads;
  const mlpHidden = Math.trunc(width * vision.mlp_ratio);

  // PatchEmbed: Conv2d(3, width, patch, stride patch) with bias; flatten(2) walks rows then columns.
  const convWeight = get('patch_embed.proj.weight');
  const convBias = get('patch_embed.proj.bias');
  const x: Matrix = [Array.from(get('cls_token'))];
  for (let row = 0; row < grid; row++) {
    for (let column = 0; column < grid; column++) {
      const token = new Array<number>(width).fill(0);
      for (let out = 0; out < width; out++) {
        let sum = convBias[out];
        for (let channel = 0; channel < 3; channel++) {
          for (let i = 0; i < patch; i++) {
            for (let j = 0; j < patch; j++) {
              sum += convWeight[((out * 3 + channel) * patch + i) * patch + j] * pixels[(channel * size + row * patch + i) * size + column * patch + j];
            }
          }
        }
        token[out] = sum;
      }
      x.push(token);
    }
  }
  const position = get('pos_embed');
  let state = x.map((token, index) => token.map((value, dim) => value + position[index * width + dim]));

  const layerNorm = (input: Matrix, name: string) => {
    const scale = get(`${name}.weight`);
    const bias = get(`${name}.bias`);
    return input.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
      return row.map((value, dim) => ((value - mean) / Math.sqrt(variance + vision.layer_norm_eps)) * scale[dim] + bias[dim]);
    });
  };
  const attention = (input: Matrix, name: string): Matrix => {
    const zeros = new Array<number>(width).fill(0);
    const bias = vision.qkv_bias ? [...get(`${name}.q_bias`), ...zeros, ...get(`${name}.v_bias`)] : undefined;
    const qkv = linear(input, get(`${name}.qkv.weight`), bias, 3 * width);
    const context: Matrix = input.map(() => new Array<number>(width).fill(0));
    for (let head = 0; head < heads; head++) {
      // reshape(B, N, 3, heads, head_dim): q, k, v of this head.
      const slice = (row: number[], which: number) => row.slice(which * width + head * headDim, which * width + (head + 1) * headDim);
      for (let i = 0; i < input.length; i++) {
        const query = slice(qkv[i], 0).map((value) => value * headDim ** -0.5);
        const scores = qkv.map((other) => slice(other, 1).reduce((sum, value, d) => sum + value * query[d], 0));
        const largest = Math.max(...scores);
        const weights = scores.map((score) => Math.exp(score - largest));
        const total = weights.reduce((a, b) => a + b, 0);
        for (let j = 0; j < input.length; j++) {
          const value = slice(qkv[j], 2);
          for (let d = 0; d < headDim; d++) context[i][head * headDim + d] += (weights[j] / total) * value[d];
        }
      }
    }
    return linear(context, get(`${name}.proj.weight`), Array.from(get(`${name}.proj.bias`)), width);
  };
  const mlp = (input: Matrix, name: string) => {
    const hidden = linear(input, get(`${name}.fc1.weight`), Array.from(get(`${name}.fc1.bias`)), mlpHidden).map((row) => row.map(erfGelu));
    return linear(hidden, get(`${name}.fc2.weight`), Array.from(get(`${name}.fc2.bias`)), width);
  };
  const add = (left: Matrix, right: Matrix) => left.map((row, i) => row.map((value, d) => value + right[i][d]));

  for (let layer = 0; layer < vision.layers; layer++) {
    const block = `blocks.${layer}`;
    if (vision.postnorm) {
      state = add(state, layerNorm(attention(state, `${block}.attn`), `${block}.norm1`));
      state = add(state, layerNorm(mlp(state, `${block}.mlp`), `${block}.norm2`));
    } else {
      state = add(state, attention(layerNorm(state, `${block}.norm1`), `${block}.attn`));
      state = add(state, mlp(layerNorm(state, `${block}.norm2`), `${block}.mlp`));
    }
  }
  return state;
}

/** F.avg_pool2d(kernel = stride) over patches laid out row-major on a grid × grid square; output row-major. */
export function averagePool(patches: Matrix, grid: number, stride: number): Matrix {
  const side = Math.floor((grid - stride) / stride) + 1;
  const channels = patches[0].length;
  const pooled: Matrix = [];
  for (let row = 0; row < side; row++) {
    for (let column = 0; column < side; column++) {
      const mean = new Array<number>(channels).fill(0);
      for (let i = 0; i < stride; i++) {
        for (let j = 0; j < stride; j++) {
          const patch = patches[(row * stride + i) * grid + column * stride + j];
          for (let c = 0; c < channels; c++) mean[c] += patch[c] / (stride * stride);
        }
      }
      pooled.push(mean);
    }
  }
  return pooled;
}

/** y = x Wᵀ + b with W stored [out, in] as nn.Linear keeps it. */
function linear(input: Matrix, weight: Float32Array, bias: ArrayLike<number> | undefined, outputs: number): Matrix {
  const inputs = input[0].length;
  return input.map((row) => {
    const result = new Array<number>(outputs);
    for (let out = 0; out < outputs; out++) {
      let sum = bias ? bias[out] : 0;
      for (let k = 0; k < inputs; k++) sum += weight[out * inputs + k] * row[k];
      result[out] = sum;
    }
    return result;
  });
}

/** nn.GELU() (approximate='none'): 0.5 · x · (1 + erf(x / √2)). */
function erfGelu(value: number): number {
  return 0.5 * value * (1 + erf(value / Math.SQRT2));
}
