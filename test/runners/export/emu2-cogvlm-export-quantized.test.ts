// Emu2 and CogVLM exported at int4 (block 32, symmetric — onnxruntime-genai's builder default) and int8, from their tiny
// checkpoints: (1) every weight MatMul of all three graphs is a MatMulNBits — CogVLM's visual and language
// experts, the EVA towers, project_up / the GLU adapter — and no float MatMul with a weight is left;
// (2) the graphs compute the float64 reference forward pass (emu2-reference.ts + a plain LLaMA below,
// cogvlm-reference.ts) over the weights *as stored* — MatMul weights quantized and dequantized, LayerNorms
// of the vision side float32, every other weight rounded to float16 — to < 1e-4, which proves the wiring
// independently of quantization noise; (3) logits stay within the LLaVA test's int8 / int4 tolerances of
// the fp32 export's (0.25 / 4). The LLaVA pattern: llava-export-quantized.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import onnxProto from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { transpose } from '../../../runners/export/checkpoint-weights.js';
import { exportCheckpoint } from '../../../runners/export/export-checkpoint.js';
import { dequantizeBlockwise, quantizeBlockwise, type BlockQuantization } from '../../../runners/export/quantize/block-quantize.js';
import { float16BitsToFloat32, float32ToFloat16Bits, readFloat32 } from '../../../runners/onnx/tensors.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { CogvlmReference } from './cogvlm-reference.js';
import { emu2ImageFeatures } from './emu2-reference.js';
import { TINY_COGVLM, writeTinyCogvlm, type TinyCogvlm } from './tiny-cogvlm-checkpoint.js';
import { writeTinyEmu2, type Tensors } from './tiny-emu2-checkpoint.js';
import { maxAbsDifference, testPixels } from './numeric-checks.js';

type Matrix = number[][];

interface Variant {
  dtype: 'int8' | 'int4';
  suffix: string;
  settings: BlockQuantization;
  /** Max |logit − fp32 logit|: the LLaVA test's bounds (int8 0.25, int4 4). */
  tolerance: number;
}

const VARIANTS: Variant[] = [
  { dtype: 'int4', suffix: '_q4', settings: { bits: 4, blockSize: 32, symmetric: true }, tolerance: 4 },
  { dtype: 'int8', suffix: '_int8', settings: { bits: 8, blockSize: 32, symmetric: true }, tolerance: 0.25 },
];
/** CogVLM's whole pipeline (quantized vision tower and adapter included): see its test. */
const COGVLM_PIPELINE_TOLERANCE = { int8: 0.4, int4: 6 } as const;


/**
 * The tensors as a quantized export stores them: `matmul` names quantized and dequantized (nn.Linear's
 * [out, in] transposed to MatMul's [in, out] and back), `float32` names kept, all others rounded to float16.
 */
function asStored(tensors: Tensors, settings: BlockQuantization, matmul: (name: string, shape: number[]) => boolean, float32: (name: string) => boolean): Tensors {
  const stored: Tensors = new Map();
  for (const [name, tensor] of tensors) {
    let values: Float32Array;
    if (matmul(name, tensor.shape)) {
      const [outputs, inputs] = tensor.shape;
      values = transpose(dequantizeBlockwise(quantizeBlockwise(transpose(tensor.values, outputs, inputs), inputs, outputs, settings), settings.bits), inputs, outputs);
    } else if (float32(name)) values = tensor.values;
    else values = tensor.values.map((value) => float16BitsToFloat32(float32ToFloat16Bits(value)));
    stored.set(name, { shape: tensor.shape, values });
  }
  return stored;
}

function graphOf(folder: string, component: string, suffix: string) {
  return onnxProto.onnx.ModelProto.decode(readFileSync(path.join(folder, 'onnx', `${component}${suffix}.onnx`))).graph!;
}

/** The names of the MatMulNBits weights of one graph, and how many plain MatMuls still take a weight (initializer, or a Cast of one). */
function matmulWeights(folder: string, component: string, suffix: string): { quantized: string[]; floatWithWeight: number } {
  const graph = graphOf(folder, component, suffix);
  const constants = new Set(graph.initializer!.map((tensor) => tensor.name!));
  for (const node of graph.node!) if (node.opType === 'Cast' && constants.has(node.input![0])) constants.add(node.output![0]);
  const quantized = graph.node!.filter((node) => node.opType === 'MatMulNBits').map((node) => node.input![1].replace(/_Q[48]$/, ''));
  const floatWithWeight = graph.node!.filter((node) => node.opType === 'MatMul' && node.input!.some((input) => constants.has(input))).length;
  return { quantized, floatWithWeight };
}

async function withSession<T>(file: string, use: (session: InferenceSession) => Promise<T>): Promise<T> {
  const session = await InferenceSession.create(file);
  try {
    return await use(session);
  } finally {
    await session.release();
  }
}

/** Runs one export's three graphs: embed_tokens over `ids`, the image's features into `imageRows`, then the decoder (uncached) unless `embeds` are given. */
async function exportedForward(folder: string, suffix: string, ids: number[], imageRows: number[], pixels: Float32Array, imageSize: number, shape: { hidden: number; heads: number; layers: number }, extra: Record<string, Tensor> = {}, givenEmbeds?: Float32Array) {
  const file = (component: string) => path.join(folder, 'onnx', `${component}${suffix}.onnx`);
  const length = ids.length;
  const embeds = await withSession(file('embed_tokens'), async (session) => readFloat32((await session.run({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, length]) })).inputs_embeds));
  const features = await withSession(file('vision_encoder'), async (session) => readFloat32((await session.run({ pixel_values: new Tensor('float32', pixels, [1, 3, imageSize, imageSize]) })).image_features));
  imageRows.forEach((row, index) => embeds.set(features.subarray(index * shape.hidden, (index + 1) * shape.hidden), row * shape.hidden));
  const feeds: Record<string, Tensor> = {
    inputs_embeds: new Tensor('float32', givenEmbeds ?? embeds, [1, length, shape.hidden]),
    attention_mask: new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]),
    position_ids: new Tensor('int64', BigInt64Array.from({ length }, (_, index) => BigInt(index)), [1, length]),
    num_logits_to_keep: new Tensor('int64', BigInt64Array.of(0n), []),
    ...extra,
  };
  for (let layer = 0; layer < shape.layers; layer++) {
    for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new Tensor('float32', new Float32Array(0), [1, shape.heads, 0, shape.hidden / shape.heads]);
  }
  const logits = await withSession(file('decoder_model_merged'), async (session) => readFloat32((await session.run(feeds)).logits));
  return { embeds, features, logits };
}

/** modeling_llama.py's forward over `embeds` (one unpadded sequence, positions 0…n−1, MHA), float64 loops; `get` reads LLaMA names. */
function llamaLogits(get: (name: string) => Float32Array, config: Record<string, unknown>, embeds: Matrix): Matrix {
  const hidden = config.hidden_size as number;
  const heads = config.num_attention_heads as number;
  const headDim = hidden / heads;
  const epsilon = config.rms_norm_eps as number;
  const theta = (config.rope_theta as number | undefined) ?? 10000;
  const linear = (x: Matrix, name: string) => {
    const weight = get(name);
    const inputs = x[0].length;
    return x.map((row) => Array.from({ length: weight.length / inputs }, (_, o) => row.reduce((sum, value, i) => sum + value * weight[o * inputs + i], 0)));
  };
  const rmsNorm = (x: Matrix, name: string) => {
    const weight = get(name);
    return x.map((row) => {
      const meanSquare = row.reduce((a, b) => a + b * b, 0) / row.length;
      return row.map((value, i) => (weight[i] * value) / Math.sqrt(meanSquare + epsilon));
    });
  };
  const rope = (x: Matrix) =>
    x.map((row, position) => {
      const out = row.slice();
      for (let head = 0; head < heads; head++) {
        for (let i = 0; i < headDim / 2; i++) {
          const angle = position / theta ** ((2 * i) / headDim);
          const a = row[head * headDim + i];
          const b = row[head * headDim + i + headDim / 2];
          out[head * headDim + i] = a * Math.cos(angle) - b * Math.sin(angle);
          out[head * headDim + i + headDim / 2] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
      return out;
    });
  const add = (a: Matrix, b: Matrix) => a.map((row, r) => row.map((value, i) => value + b[r][i]));
  let state = embeds;
  for (let layer = 0; layer < (config.num_hidden_layers as number); layer++) {
    const p = `model.layers.${layer}`;
    const normalized = rmsNorm(state, `${p}.input_layernorm.weight`);
    const q = rope(linear(normalized, `${p}.self_attn.q_proj.weight`));
    const k = rope(linear(normalized, `${p}.self_attn.k_proj.weight`));
    const v = linear(normalized, `${p}.self_attn.v_proj.weight`);
    const context: Matrix = q.map(() => new Array<number>(hidden).fill(0));
    for (let head = 0; head < heads; head++) {
      for (let query = 0; query < q.length; query++) {
        const scores = k.slice(0, query + 1).map((keyRow) => {
          let dot = 0;
          for (let i = 0; i < headDim; i++) dot += q[query][head * headDim + i] * keyRow[head * headDim + i];
          return dot / Math.sqrt(headDim);
        });
        const largest = Math.max(...scores);
        const weights = scores.map((score) => Math.exp(score - largest));
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((weight, key) => {
          for (let i = 0; i < headDim; i++) context[query][head * headDim + i] += (weight / total) * v[key][head * headDim + i];
        });
      }
    }
    state = add(state, linear(context, `${p}.self_attn.o_proj.weight`));
    const mlpInput = rmsNorm(state, `${p}.post_attention_layernorm.weight`);
    const gate = linear(mlpInput, `${p}.mlp.gate_proj.weight`);
    const up = linear(mlpInput, `${p}.mlp.up_proj.weight`);
    state = add(state, linear(gate.map((row, r) => row.map((g, i) => (g / (1 + Math.exp(-g))) * up[r][i])), `${p}.mlp.down_proj.weight`));
  }
  return linear(rmsNorm(state, 'model.norm.weight'), 'lm_head.weight');
}


describe('Emu2 export at int4 / int8 (MatMulNBits)', () => {
  let root: string;
  let checkpoint: ReturnType<typeof writeTinyEmu2>;
  let ids: number[];
  let imageRows: number[];
  let shape: { hidden: number; heads: number; layers: number };
  let imageSize: number;
  let fp32Logits: Float32Array;
  const pixels = () => testPixels(imageSize, 3);
  before(async () => {
    root = temporaryFolder('emu2-quantized-');
    checkpoint = writeTinyEmu2(path.join(root, 'checkpoint'));
    const { config } = checkpoint;
    shape = { hidden: config.hidden_size as number, heads: config.num_attention_heads as number, layers: config.num_hidden_layers as number };
    imageSize = (config.vision_config as { image_size: number }).image_size;
    const nQuery = (config.vision_config as { n_query: number }).n_query;
    // [BOS] text <image>×n_query text, as the runner lays out a prompt (the [IMG] markers are ordinary ids here).
    ids = [1, 17, 40, ...new Array<number>(nQuery).fill(checkpoint.imageTokenId), 12, 99, 5, 3];
    imageRows = Array.from({ length: nQuery }, (_, index) => 3 + index);
    await exportCheckpoint(path.join(root, 'checkpoint'), path.join(root, 'fp32'), { dtype: 'fp32' });
    for (const variant of VARIANTS) {
      await exportCheckpoint(path.join(root, 'checkpoint'), path.join(root, variant.dtype), { dtype: variant.dtype, blockSize: variant.settings.blockSize, quant: 'symmetric' });
    }
    fp32Logits = (await exportedForward(path.join(root, 'fp32'), '', ids, imageRows, pixels(), imageSize, shape)).logits;
  });

  test('every weight MatMul is a MatMulNBits: EVA-CLIP qkv/proj/fc1/fc2, project_up, 7 per decoder layer + lm_head; the config records the settings', () => {
    const out = path.join(root, 'int4');
    const vision = matmulWeights(out, 'vision_encoder', '_q4');
    const decoder = matmulWeights(out, 'decoder_model_merged', '_q4');
    const layers = (checkpoint.config.vision_config as { layers: number }).layers;
    assert.equal(vision.quantized.length, 4 * layers + 1);
    assert.ok(vision.quantized.includes('project_up.weight') && vision.quantized.includes('model.visual.blocks.0.attn.qkv.weight'), vision.quantized.join());
    assert.equal(decoder.quantized.length, 7 * shape.layers + 1);
    assert.deepEqual([vision.floatWithWeight, decoder.floatWithWeight, matmulWeights(out, 'embed_tokens', '_q4').floatWithWeight], [0, 0, 0]);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([config.emu_eval_export.dtype, config.emu_eval_export.quantization.bits, config.emu_eval_export.quantization.block_size, config.emu_eval_export.quantization.symmetric], ['int4', 4, 32, true]);
    // EVA-CLIP's LayerNorms stay float32 (the norm runs in float32), RMSNorm scales are float16 + Cast.
    const initializers = new Map(graphOf(out, 'vision_encoder', '_q4').initializer!.map((tensor) => [tensor.name, tensor.dataType]));
    assert.equal(initializers.get('model.visual.blocks.0.norm1.weight'), onnxProto.onnx.TensorProto.DataType.FLOAT);
    assert.equal(initializers.get('model.visual.blocks.0.attn.q_bias'), onnxProto.onnx.TensorProto.DataType.FLOAT16);
  });

  for (const variant of VARIANTS) {
    test(`${variant.dtype} block 32 symmetric: image features and logits equal the reference over the stored weights (< 1e-4)`, async () => {
      const stored = asStored(checkpoint.tensors, variant.settings, (name, dims) => dims.length === 2 && !name.includes('embed_tokens'), (name) => /^model\.visual\.blocks\.\d+\.norm[12]\./.test(name));
      const get = (name: string) => stored.get(`model.decoder.lm.${name}`)!.values;
      const table = get('model.embed_tokens.weight');
      const expectedFeatures = emu2ImageFeatures(stored, checkpoint.config, pixels());
      const expectedEmbeds = ids.map((id, row) => (imageRows.includes(row) ? expectedFeatures[imageRows.indexOf(row)] : Array.from(table.subarray(id * shape.hidden, (id + 1) * shape.hidden))));
      const actual = await exportedForward(path.join(root, variant.dtype), variant.suffix, ids, imageRows, pixels(), imageSize, shape);
      const embedDifference = maxAbsDifference(actual.embeds, expectedEmbeds.flat());
      const logitDifference = maxAbsDifference(actual.logits, llamaLogits(get, checkpoint.config, expectedEmbeds).flat());
      console.log(`# Emu2 ${variant.dtype}: max |Δ| vs reference over stored weights: embeds ${embedDifference.toExponential(2)}, logits ${logitDifference.toExponential(2)}`);
      assert.ok(embedDifference < 1e-4 && logitDifference < 1e-4, `embeds ${embedDifference}, logits ${logitDifference}`);
    });

    test(`${variant.dtype} block 32 symmetric: logits within ${variant.tolerance} of the fp32 export's`, async () => {
      const { logits } = await exportedForward(path.join(root, variant.dtype), variant.suffix, ids, imageRows, pixels(), imageSize, shape);
      const difference = maxAbsDifference(logits, fp32Logits);
      const scale = fp32Logits.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
      console.log(`# Emu2 ${variant.dtype}: max |Δ logit| vs fp32 ${difference.toExponential(2)} (max |logit| ${scale.toFixed(2)})`);
      assert.ok(difference <= variant.tolerance, `max |Δ logit| ${difference} > ${variant.tolerance}`);
    });
  }
});

describe('CogVLM export at int4 / int8 (MatMulNBits, both experts)', () => {
  let root: string;
  let checkpoint: TinyCogvlm;
  let conversation: { inputIds: number[]; tokenTypes: number[]; positions: number[] };
  let fp32: { embeds: Float32Array; logits: Float32Array };
  const { text, vision, imageTokens } = TINY_COGVLM;
  const shape = { hidden: text.hidden, heads: text.heads, layers: text.layers };
  const pixels = testPixels(vision.imageSize, 4);
  const imageRows = Array.from({ length: imageTokens }, (_, index) => 1 + index);
  const run = async (folder: string, suffix: string, embeds?: Float32Array) => {
    const { inputIds, tokenTypes, positions } = conversation;
    const int64 = (values: number[]) => new Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
    return exportedForward(folder, suffix, inputIds, imageRows, pixels, vision.imageSize, shape, { token_type_ids: int64(tokenTypes), position_ids: int64(positions) }, embeds);
  };
  before(async () => {
    root = temporaryFolder('cogvlm-quantized-');
    checkpoint = writeTinyCogvlm(path.join(root, 'cogvlm-chat-tiny-hf'));
    conversation = new CogvlmReference(checkpoint).conversation([12, 40, 3, 99, 5], true);
    await exportCheckpoint(checkpoint.folder, path.join(root, 'fp32'), { dtype: 'fp32' });
    for (const variant of VARIANTS) await exportCheckpoint(checkpoint.folder, path.join(root, variant.dtype), { dtype: variant.dtype, blockSize: variant.settings.blockSize, quant: 'symmetric' });
    fp32 = await run(path.join(root, 'fp32'), '');
  });

  test('every weight MatMul is a MatMulNBits: EVA2-CLIP, the GLU adapter, both experts of every layer, lm_head', () => {
    const out = path.join(root, 'int4');
    const visionGraph = matmulWeights(out, 'vision_encoder', '_q4');
    const decoder = matmulWeights(out, 'decoder_model_merged', '_q4');
    assert.equal(visionGraph.quantized.length, 4 * vision.layers + 4);
    // 2 experts × (query_key_value, dense, gate, up, down) per layer + lm_head.
    assert.equal(decoder.quantized.length, 10 * text.layers + 1);
    for (const expert of ['vision_expert_query_key_value', 'language_expert_query_key_value', 'vision_expert_dense', 'language_expert_dense', 'vision_mlp.down_proj', 'language_mlp.gate_proj']) {
      assert.ok(decoder.quantized.some((name) => name.includes(expert)), `${expert} is quantized`);
    }
    assert.deepEqual([visionGraph.floatWithWeight, decoder.floatWithWeight, matmulWeights(out, 'embed_tokens', '_q4').floatWithWeight], [0, 0, 0]);
    assert.ok(graphOf(out, 'decoder_model_merged', '_q4').input!.some((input) => input.name === 'token_type_ids'));
  });

  for (const variant of VARIANTS) {
    test(`${variant.dtype} block 32 symmetric: image features and logits (expert routing included) equal the reference over the stored weights (< 1e-4)`, async () => {
      const stored = asStored(
        checkpoint.tensors,
        variant.settings,
        (name, dims) => dims.length === 2 && !/embed_tokens|cls_embedding|position_embedding/.test(name),
        (name) => /^model\.vision\..*(layernorm|norm1)\./.test(name),
      );
      const reference = new CogvlmReference({ ...checkpoint, tensors: stored });
      const { inputIds, tokenTypes, positions } = conversation;
      const features = reference.imageFeatures(pixels);
      const expectedEmbeds = reference.embed(inputIds).map((row, index) => (imageRows.includes(index) ? features[index - 1] : row));
      const actual = await run(path.join(root, variant.dtype), variant.suffix);
      const embedDifference = maxAbsDifference(actual.embeds, expectedEmbeds.flat());
      const logitDifference = maxAbsDifference(actual.logits, reference.logits(expectedEmbeds, tokenTypes, positions).flat());
      console.log(`# CogVLM ${variant.dtype}: max |Δ| vs reference over stored weights: embeds ${embedDifference.toExponential(2)}, logits ${logitDifference.toExponential(2)}`);
      assert.ok(embedDifference < 1e-4 && logitDifference < 1e-4, `embeds ${embedDifference}, logits ${logitDifference}`);
    });

    test(`${variant.dtype} block 32 symmetric: the decoder (both experts) fed the fp32 export's inputs_embeds gives logits within ${variant.tolerance} of fp32's`, async () => {
      const { logits } = await run(path.join(root, variant.dtype), variant.suffix, fp32.embeds);
      const difference = maxAbsDifference(logits, fp32.logits);
      console.log(`# CogVLM ${variant.dtype}: decoder alone, max |Δ logit| vs fp32 ${difference.toExponential(2)}`);
      assert.ok(difference <= variant.tolerance, `max |Δ logit| ${difference} > ${variant.tolerance}`);
    });

    // The whole pipeline errs more than LLaVA's: at the image positions, quantizing EVA2-CLIP + the GLU
    // adapter alone (four MatMuls with a LayerNorm and SwiGLU between, a longer path than LLaVA's projector)
    // moves the tiny model's logits by 0.21 (int8) / 4.3 (int4), against 0.13 / 2.2 for the decoder alone and 0.012 for the float16
    // storage of the other weights (measured with cogvlm-reference.ts). Bound: about 1.5× the measured
    // 0.26 / 4.2, the rule the LLaVA bounds were set by.
    test(`${variant.dtype} block 32 symmetric: the whole pipeline's logits within ${COGVLM_PIPELINE_TOLERANCE[variant.dtype]} of the fp32 export's`, async () => {
      const { logits } = await run(path.join(root, variant.dtype), variant.suffix);
      const difference = maxAbsDifference(logits, fp32.logits);
      const scale = fp32.logits.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
      console.log(`# CogVLM ${variant.dtype}: whole pipeline, max |Δ logit| vs fp32 ${difference.toExponential(2)} (max |logit| ${scale.toFixed(2)})`);
      assert.ok(difference <= COGVLM_PIPELINE_TOLERANCE[variant.dtype], `max |Δ logit| ${difference} > ${COGVLM_PIPELINE_TOLERANCE[variant.dtype]}`);
    });
  }
});
