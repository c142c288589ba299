// A reference forward pass of CogVLM in float64 JavaScript, written from the Hugging Face remote code
// (visual.py's EVA2CLIPModel and GLU, modeling_cogvlm.py's VisionExpertAttention, VisionExpertMLP,
// get_expert_mask, build_position_ids and build_conversation_input_ids) and independent of the graph code:
// loops over plain arrays, nn.Linear's [out, in] layout, per-token expert choice.
import { erf } from './llava-reference.js';
import { TINY_COGVLM, type TinyCogvlm } from './tiny-cogvlm-checkpoint.js';

type Matrix = number[][];
const LANGUAGE = 0;
const VISION = 1;

export class CogvlmReference {
  constructor(private readonly model: TinyCogvlm) {}

  private tensor(name: string): Float32Array {
    const found = this.model.tensors.get(name);
    if (!found) throw new Error(`reference: no tensor ${name}`);
    return found.values;
  }

  private linearRow(row: number[], name: string, bias: boolean): number[] {
    const weight = this.tensor(`${name}.weight`);
    const biasValues = bias ? this.tensor(`${name}.bias`) : undefined;
    const outputs = weight.length / row.length;
    return Array.from({ length: outputs }, (_, o) => {
      let sum = biasValues ? biasValues[o] : 0;
      for (let i = 0; i < row.length; i++) sum += row[i] * weight[o * row.length + i];
      return sum;
    });
  }

  private linear(x: Matrix, name: string, bias: boolean): Matrix {
    return x.map((row) => this.linearRow(row, name, bias));
  }

  private layerNorm(x: Matrix, name: string, epsilon: number): Matrix {
    const weight = this.tensor(`${name}.weight`);
    const bias = this.tensor(`${name}.bias`);
    return x.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
      return row.map((value, i) => ((value - mean) / Math.sqrt(variance + epsilon)) * weight[i] + bias[i]);
    });
  }

  /** visual.py EVA2CLIPModel.forward for one image [3, H, W] → [boi, patches…, eoi] rows of text width. */
  imageFeatures(pixels: Float32Array): Matrix {
    const { hidden, heads, imageSize, patchSize, layers, layerNormEpsilon } = TINY_COGVLM.vision;
    const grid = imageSize / patchSize;
    const weight = this.tensor('model.vision.patch_embedding.proj.weight');
    const bias = this.tensor('model.vision.patch_embedding.proj.bias');
    const tokens: Matrix = [Array.from(this.tensor('model.vision.patch_embedding.cls_embedding'))];
    for (let py = 0; py < grid; py++) {
      for (let px = 0; px < grid; px++) {
        tokens.push(Array.from({ length: hidden }, (_, h) => {
          let sum = bias[h];
          for (let c = 0; c < 3; c++) for (let i = 0; i < patchSize; i++) for (let j = 0; j < patchSize; j++) {
            sum += weight[((h * 3 + c) * patchSize + i) * patchSize + j] * pixels[(c * imageSize + py * patchSize + i) * imageSize + px * patchSize + j];
          }
          return sum;
        }));
      }
    }
    const positions = this.tensor('model.vision.patch_embedding.position_embedding.weight');
    let state = tokens.map((row, t) => row.map((value, h) => value + positions[t * hidden + h]));
    const headDim = hidden / heads;
    for (let layer = 0; layer < layers; layer++) {
      const p = `model.vision.transformer.layers.${layer}`;
      const qkv = this.linear(state, `${p}.attention.query_key_value`, true);
      // reshape(B, L, 3, H, D): q is the first third of each row, k the second, v the last.
      const q = qkv.map((row) => row.slice(0, hidden));
      const k = qkv.map((row) => row.slice(hidden, 2 * hidden));
      const v = qkv.map((row) => row.slice(2 * hidden));
      const context = attention(q, k, v, heads, headDim, () => true);
      const attended = this.layerNorm(this.linear(context, `${p}.attention.dense`, true), `${p}.input_layernorm`, layerNormEpsilon);
      state = add(state, attended);
      const expanded = this.linear(state, `${p}.mlp.fc1`, true).map((row) => row.map(exactGelu));
      state = add(state, this.layerNorm(this.linear(expanded, `${p}.mlp.fc2`, true), `${p}.post_attention_layernorm`, layerNormEpsilon));
    }
    const adapter = 'model.vision.linear_proj';
    const projected = this.layerNorm(this.linear(state.slice(1), `${adapter}.linear_proj`, false), `${adapter}.norm1`, 1e-5).map((row) => row.map(exactGelu));
    const gate = this.linear(projected, `${adapter}.gate_proj`, false);
    const up = this.linear(projected, `${adapter}.dense_h_to_4h`, false);
    const glu = this.linear(gate.map((row, r) => row.map((g, i) => silu(g) * up[r][i])), `${adapter}.dense_4h_to_h`, false);
    return [Array.from(this.tensor('model.vision.boi')), ...glu, Array.from(this.tensor('model.vision.eoi'))];
  }

  embed(ids: number[]): Matrix {
    const table = this.tensor('model.embed_tokens.weight');
    const { hidden } = TINY_COGVLM.text;
    return ids.map((id) => Array.from(table.subarray(id * hidden, (id + 1) * hidden)));
  }

  /** build_conversation_input_ids with one image: [BOS] + pad × image tokens + text ids; types and positions. */
  conversation(textIds: number[], withImage: boolean): { inputIds: number[]; tokenTypes: number[]; positions: number[] } {
    const imageIds = withImage ? new Array<number>(TINY_COGVLM.imageTokens).fill(this.model.ids.image) : [];
    const inputIds = [this.model.ids.begin, ...imageIds, ...textIds];
    const tokenTypes = [LANGUAGE, ...imageIds.map(() => VISION), ...textIds.map(() => LANGUAGE)];
    return { inputIds, tokenTypes, positions: buildPositionIds(tokenTypes) };
  }

  /** Logits [tokens, vocab] of one unpadded sequence with modeling_cogvlm.py's expert routing. */
  logits(embeds: Matrix, tokenTypes: number[], positions: number[]): Matrix {
    const { heads, layers, hidden, rmsNormEpsilon } = TINY_COGVLM.text;
    const headDim = hidden / heads;
    // get_expert_mask: vision iff this token and the next are image tokens.
    const vision = tokenTypes.map((type, index) => type === VISION && tokenTypes[index + 1] === VISION);
    const expert = (x: Matrix, visionName: string, languageName: string, compute: (row: number[], name: string) => number[]) =>
      x.map((row, index) => compute(row, vision[index] ? visionName : languageName));
    const rmsNorm = (x: Matrix, name: string) => {
      const weight = this.tensor(name);
      return x.map((row) => {
        const meanSquare = row.reduce((a, b) => a + b * b, 0) / row.length;
        return row.map((value, i) => (weight[i] * value) / Math.sqrt(meanSquare + rmsNormEpsilon));
      });
    };
    const rope = (x: Matrix) =>
      x.map((row, token) => {
        const out = row.slice();
        for (let head = 0; head < heads; head++) {
          for (let i = 0; i < headDim / 2; i++) {
            const angle = positions[token] / 10000 ** ((2 * i) / headDim);
            const a = row[head * headDim + i];
            const b = row[head * headDim + i + headDim / 2];
            out[head * headDim + i] = a * Math.cos(angle) - b * Math.sin(angle);
            out[head * headDim + i + headDim / 2] = b * Math.cos(angle) + a * Math.sin(angle);
          }
        }
        return out;
      });
    const mlp = (row: number[], prefix: string) => {
      const gate = this.linearRow(row, `${prefix}.gate_proj`, false);
      const up = this.linearRow(row, `${prefix}.up_proj`, false);
      return this.linearRow(gate.map((g, i) => silu(g) * up[i]), `${prefix}.down_proj`, false);
    };
    let state = embeds;
    for (let layer = 0; layer < layers; layer++) {
      const p = `model.layers.${layer}`;
      const normalized = rmsNorm(state, `${p}.input_layernorm.weight`);
      const mixed = expert(normalized, `${p}.self_attn.vision_expert_query_key_value`, `${p}.self_attn.language_expert_query_key_value`, (row, name) => this.linearRow(row, name, false));
      const q = rope(mixed.map((row) => row.slice(0, hidden)));
      const k = rope(mixed.map((row) => row.slice(hidden, 2 * hidden)));
      const v = mixed.map((row) => row.slice(2 * hidden));
      const context = attention(q, k, v, heads, headDim, (query, key) => key <= query);
      state = add(state, expert(context, `${p}.self_attn.vision_expert_dense`, `${p}.self_attn.language_expert_dense`, (row, name) => this.linearRow(row, name, false)));
      const mlpInput = rmsNorm(state, `${p}.post_attention_layernorm.weight`);
      state = add(state, expert(mlpInput, `${p}.mlp.vision_mlp`, `${p}.mlp.language_mlp`, mlp));
    }
    return this.linear(rmsNorm(state, 'model.norm.weight'), 'lm_head', false);
  }
}

/** modeling_cogvlm.py build_position_ids for one unpadded row. */
export function buildPositionIds(tokenTypes: number[]): number[] {
  const types = tokenTypes.slice();
  const boiOrEoi = types.map((type, index) =>
    type === VISION && (index === 0 || tokenTypes[index - 1] === LANGUAGE || index === types.length - 1 || tokenTypes[index + 1] === LANGUAGE));
  boiOrEoi.forEach((flag, index) => {
    if (flag) types[index] = LANGUAGE;
  });
  let position = 0;
  return types.map((type, index) => {
    if (index > 0 && (type === LANGUAGE || (type === VISION && types[index - 1] === LANGUAGE))) position++;
    return position;
  });
}

function attention(q: Matrix, k: Matrix, v: Matrix, heads: number, headDim: number, visible: (query: number, key: number) => boolean): Matrix {
  const out: Matrix = q.map(() => new Array<number>(heads * headDim).fill(0));
  for (let head = 0; head < heads; head++) {
    for (let query = 0; query < q.length; query++) {
      const scores = k.map((keyRow, key) => {
        if (!visible(query, key)) return -Infinity;
        let dot = 0;
        for (let i = 0; i < headDim; i++) dot += q[query][head * headDim + i] * keyRow[head * headDim + i];
        return dot / Math.sqrt(headDim);
      });
      const maximum = Math.max(...scores);
      const weights = scores.map((score) => Math.exp(score - maximum));
      const total = weights.reduce((a, b) => a + b, 0);
      for (let key = 0; key < k.length; key++) for (let i = 0; i < headDim; i++) out[query][head * headDim + i] += (weights[key] / total) * v[key][head * headDim + i];
    }
  }
  return out;
}

function add(a: Matrix, b: Matrix): Matrix {
  return a.map((row, r) => row.map((value, i) => value + b[r][i]));
}

function exactGelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}
