// A straightforward reference forward pass of LLaVA-1.5 in float64 JavaScript, written from
// transformers' modeling_clip.py / modeling_llava.py / modeling_llama.py and independent of the graph
// code: loops over plain arrays, PyTorch's nn.Linear layout, repeat_kv by head index.
import type { TinyLlava } from './tiny-llava-checkpoint.js';
import { TINY_LLAVA } from './tiny-llava-checkpoint.js';

type Matrix = number[][];

export class LlavaReference {
  constructor(private readonly model: TinyLlava) {}

  private tensor(name: string): Float32Array {
    const found = this.model.tensors.get(name);
    if (!found) throw new Error(`reference: no tensor ${name}`);
    return found.values;
  }

  /** y = x Wᵀ + b with W [out, in] as nn.Linear stores it. */
  private linear(x: Matrix, name: string, bias = true): Matrix {
    const weight = this.tensor(`${name}.weight`);
    const biasValues = bias ? this.tensor(`${name}.bias`) : undefined;
    const inputs = x[0].length;
    const outputs = weight.length / inputs;
    return x.map((row) => Array.from({ length: outputs }, (_, o) => {
      let sum = biasValues ? biasValues[o] : 0;
      for (let i = 0; i < inputs; i++) sum += row[i] * weight[o * inputs + i];
      return sum;
    }));
  }

  private layerNorm(x: Matrix, name: string): Matrix {
    const weight = this.tensor(`${name}.weight`);
    const bias = this.tensor(`${name}.bias`);
    return x.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
      return row.map((value, i) => ((value - mean) / Math.sqrt(variance + TINY_LLAVA.vision.layerNormEpsilon)) * weight[i] + bias[i]);
    });
  }

  /** pixel_values [3, H, W] (one image) → image features [tokens, text hidden]. */
  imageFeatures(pixels: Float32Array): Matrix {
    const { hidden, heads, imageSize, patchSize, layers } = TINY_LLAVA.vision;
    const v = this.model.prefixes.vision;
    const grid = imageSize / patchSize;
    const patchWeight = this.tensor(`${v}embeddings.patch_embedding.weight`);
    const tokens: Matrix = [Array.from(this.tensor(`${v}embeddings.class_embedding`))];
    for (let py = 0; py < grid; py++) {
      for (let px = 0; px < grid; px++) {
        tokens.push(Array.from({ length: hidden }, (_, h) => {
          let sum = 0;
          for (let c = 0; c < 3; c++) for (let i = 0; i < patchSize; i++) for (let j = 0; j < patchSize; j++) {
            sum += patchWeight[((h * 3 + c) * patchSize + i) * patchSize + j] * pixels[(c * imageSize + py * patchSize + i) * imageSize + px * patchSize + j];
          }
          return sum;
        }));
      }
    }
    const positions = this.tensor(`${v}embeddings.position_embedding.weight`);
    let state = this.layerNorm(tokens.map((row, t) => row.map((value, h) => value + positions[t * hidden + h])), `${v}pre_layrnorm`);
    // hidden_states[-2]: the output of all layers but the last; post_layernorm is not applied.
    for (let layer = 0; layer < layers - 1; layer++) {
      const p = `${v}encoder.layers.${layer}`;
      const normalized = this.layerNorm(state, `${p}.layer_norm1`);
      const q = this.linear(normalized, `${p}.self_attn.q_proj`);
      const k = this.linear(normalized, `${p}.self_attn.k_proj`);
      const values = this.linear(normalized, `${p}.self_attn.v_proj`);
      const context = attention(q, k, values, heads, heads, () => true);
      state = add(state, this.linear(context, `${p}.self_attn.out_proj`));
      const hiddenMlp = this.linear(this.layerNorm(state, `${p}.layer_norm2`), `${p}.mlp.fc1`).map((row) => row.map((x) => x / (1 + Math.exp(-1.702 * x))));
      state = add(state, this.linear(hiddenMlp, `${p}.mlp.fc2`));
    }
    const selected = state.slice(1);
    const pr = this.model.prefixes.projector;
    const projected = this.linear(selected, `${pr}linear_1`).map((row) => row.map((x) => 0.5 * x * (1 + erf(x / Math.SQRT2))));
    return this.linear(projected, `${pr}linear_2`);
  }

  embed(ids: number[]): Matrix {
    const table = this.tensor(`${this.model.prefixes.textModel}embed_tokens.weight`);
    const { hidden } = TINY_LLAVA.text;
    return ids.map((id) => Array.from(table.subarray(id * hidden, (id + 1) * hidden)));
  }

  /** Logits [positions, vocab] of a sequence of input embeddings (no padding), positions 0… */
  logits(embeds: Matrix): Matrix {
    const { heads, keyValueHeads, layers, hidden, rmsNormEpsilon, ropeTheta } = TINY_LLAVA.text;
    const headDim = hidden / heads;
    const t = this.model.prefixes.textModel;
    const rmsNorm = (x: Matrix, name: string) => {
      const weight = this.tensor(name);
      return x.map((row) => {
        const meanSquare = row.reduce((a, b) => a + b * b, 0) / row.length;
        return row.map((value, i) => weight[i] * value / Math.sqrt(meanSquare + rmsNormEpsilon));
      });
    };
    // rotate_half with cos/sin of cat(freqs, freqs).
    const rope = (x: Matrix, headCount: number) =>
      x.map((row, position) => {
        const out = row.slice();
        for (let head = 0; head < headCount; head++) {
          for (let i = 0; i < headDim / 2; i++) {
            const angle = position / ropeTheta ** ((2 * i) / headDim);
            const a = row[head * headDim + i];
            const b = row[head * headDim + i + headDim / 2];
            out[head * headDim + i] = a * Math.cos(angle) - b * Math.sin(angle);
            out[head * headDim + i + headDim / 2] = b * Math.cos(angle) + a * Math.sin(angle);
          }
        }
        return out;
      });
    let state = embeds;
    for (let layer = 0; layer < layers; layer++) {
      const p = `${t}layers.${layer}`;
      const normalized = rmsNorm(state, `${p}.input_layernorm.weight`);
      const q = rope(this.linear(normalized, `${p}.self_attn.q_proj`, false), heads);
      const k = rope(this.linear(normalized, `${p}.self_attn.k_proj`, false), keyValueHeads);
      const values = this.linear(normalized, `${p}.self_attn.v_proj`, false);
      const context = attention(q, k, values, heads, keyValueHeads, (query, key) => key <= query);
      state = add(state, this.linear(context, `${p}.self_attn.o_proj`, false));
      const mlpInput = rmsNorm(state, `${p}.post_attention_layernorm.weight`);
      const gate = this.linear(mlpInput, `${p}.mlp.gate_proj`, false);
      const up = this.linear(mlpInput, `${p}.mlp.up_proj`, false);
      const activated = gate.map((row, r) => row.map((g, i) => (g / (1 + Math.exp(-g))) * up[r][i]));
      state = add(state, this.linear(activated, `${p}.mlp.down_proj`, false));
    }
    const final = rmsNorm(state, `${t}norm.weight`);
    const head = this.tensor(this.model.prefixes.lmHead);
    return final.map((row) => Array.from({ length: head.length / hidden }, (_, o) => row.reduce((sum, value, i) => sum + value * head[o * hidden + i], 0)));
  }
}

/** Scaled dot-product attention; query head h reads key/value head ⌊h / (heads / kvHeads)⌋ (repeat_kv). */
function attention(q: Matrix, k: Matrix, v: Matrix, heads: number, keyValueHeads: number, visible: (query: number, key: number) => boolean): Matrix {
  const headDim = q[0].length / heads;
  const group = heads / keyValueHeads;
  const out: Matrix = q.map(() => new Array<number>(heads * headDim).fill(0));
  for (let head = 0; head < heads; head++) {
    const kvHead = Math.floor(head / group);
    for (let query = 0; query < q.length; query++) {
      const scores = k.map((keyRow, key) => {
        if (!visible(query, key)) return -Infinity;
        let dot = 0;
        for (let i = 0; i < headDim; i++) dot += q[query][head * headDim + i] * keyRow[kvHead * headDim + i];
        return dot / Math.sqrt(headDim);
      });
      const maximum = Math.max(...scores);
      const weights = scores.map((score) => Math.exp(score - maximum));
      const total = weights.reduce((a, b) => a + b, 0);
      for (let key = 0; key < k.length; key++) {
        for (let i = 0; i < headDim; i++) out[query][head * headDim + i] += (weights[key] / total) * v[key][kvHead * headDim + i];
      }
    }
  }
  return out;
}

function add(a: Matrix, b: Matrix): Matrix {
  return a.map((row, r) => row.map((value, i) => value + b[r][i]));
}

/** erf by its Maclaurin series (|x| < 3) or continued fraction: double precision, unlike 1e-7 approximations. */
export function erf(x: number): number {
  const sign = Math.sign(x);
  const z = Math.abs(x);
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 100; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  let fraction = 0;
  for (let n = 60; n >= 1; n--) fraction = n / 2 / (z + fraction);
  return sign * (1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + fraction));
}
