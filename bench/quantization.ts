// `npm run bench -- quantization`: what weight-only int8/int4 (MatMulNBits) buys and costs.
//  1. the tiny LLaVA test checkpoint exported at every dtype: size on disk, max |logit − fp32 logit|;
//  2. CPU decode speed of a larger random LLaVA-shaped decoder (hidden 512, 4 layers, vocab 32000),
//     one intra-op thread (a shared 2-core machine), 16-token prompt then 32 cached steps;
//  3. full-size Emu2 / CogVLM weight bytes per dtype as the export would write them, + fp16 KV per token.
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { exportCheckpoint, type ExportDtype } from '../runners/export/export-checkpoint.js';
import type { WeightFormat } from '../runners/export/export-plan.js';
import { buildLlamaDecoder, type LlamaShape } from '../runners/export/graph/llama-decoder.js';
import { llamaRotaryTables } from '../runners/export/graph/rotary-tables.js';
import { writeGraph } from '../runners/export/writer/write-graph.js';
import { normalTensor } from '../runners/onnx/tiny-emu/random.js';
import { readFloat32 } from '../runners/onnx/tensors.js';
import { testPixels } from '../test/runners/export/numeric-checks.js';
import { forwardLogits, openExport, promptEmbeds } from '../test/runners/export/quantized-llava.js';
import { TINY_LLAVA, writeTinyLlava } from '../test/runners/export/tiny-llava-checkpoint.js';
import { exportedWeightBytes, FOOTPRINT_MODELS, kvBytesPerToken } from './model-footprint.js';
import type { BenchResult } from './types.js';

interface Variant {
  label: string;
  dtype: ExportDtype;
  blockSize?: 32 | 128;
  quant?: 'symmetric' | 'asymmetric';
}

const VARIANTS: Variant[] = [
  { label: 'fp32', dtype: 'fp32' },
  { label: 'fp16', dtype: 'fp16' },
  { label: 'int8 b32 sym', dtype: 'int8', blockSize: 32, quant: 'symmetric' },
  { label: 'int8 b128 sym', dtype: 'int8', blockSize: 128, quant: 'symmetric' },
  { label: 'int4 b32 sym', dtype: 'int4', blockSize: 32, quant: 'symmetric' },
  { label: 'int4 b32 asym', dtype: 'int4', blockSize: 32, quant: 'asymmetric' },
  { label: 'int4 b128 sym', dtype: 'int4', blockSize: 128, quant: 'symmetric' },
  { label: 'int4 b128 asym', dtype: 'int4', blockSize: 128, quant: 'asymmetric' },
];
const SUFFIX: Record<ExportDtype, string> = { fp32: '', fp16: '_fp16', int8: '_int8', int4: '_q4' };
const DECODE_SHAPE: LlamaShape = { hidden: 512, heads: 8, keyValueHeads: 8, headDim: 64, layers: 4, intermediate: 1376, vocabularySize: 32000, rmsNormEpsilon: 1e-5 };
const PROMPT_TOKENS = 16;
const DECODE_STEPS = 32;
const GIB = 2 ** 30;

function formatOf(variant: Variant): WeightFormat {
  if (variant.dtype === 'fp32' || variant.dtype === 'fp16') return { precision: variant.dtype === 'fp16' ? 'float16' : 'float32' };
  return { precision: 'float32', quantization: { bits: variant.dtype === 'int8' ? 8 : 4, blockSize: variant.blockSize!, symmetric: variant.quant === 'symmetric' } };
}

const folderBytes = (folder: string) => readdirSync(folder).reduce((total, file) => total + statSync(path.join(folder, file)).size, 0);

export async function benchQuantization(): Promise<BenchResult> {
  const root = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-quant-'));
  const checkpoint = writeTinyLlava(path.join(root, 'checkpoint'), 'classic');
  const rows: BenchResult['rows'] = [];
  let fp32Logits: Float32Array | undefined;
  for (const variant of VARIANTS) {
    const out = path.join(root, variant.label.replaceAll(' ', '-'));
    await exportCheckpoint(checkpoint.folder, out, { dtype: variant.dtype, blockSize: variant.blockSize, quant: variant.quant });
    let logitDifference = '';
    if (variant.dtype !== 'fp16') {
      // fp16 graphs take float16 inputs; their accuracy is the llava-export test's (< 5e-2).
      const sessions = await openExport(out, SUFFIX[variant.dtype]);
      const logits = await forwardLogits(sessions, await promptEmbeds(sessions, [1, 7, 9], testPixels(TINY_LLAVA.vision.imageSize, 1), [12, 40, 3, 99, 5]));
      await sessions.release();
      fp32Logits ??= logits;
      logitDifference = logits.reduce((largest, value, index) => Math.max(largest, Math.abs(value - fp32Logits![index])), 0).toExponential(2);
    }
    const decodeMs = await decodeSpeed(path.join(root, `decode-${variant.label.replaceAll(' ', '-')}`), formatOf(variant));
    rows.push({
      dtype: variant.label,
      'tiny export KiB': (folderBytes(path.join(out, 'onnx')) / 1024).toFixed(0),
      'max |Δ logit| vs fp32': logitDifference || 'see fp16 test',
      'decode ms/token (h512 L4)': decodeMs.decode.toFixed(2),
      'prefill ms (16 tok)': decodeMs.prefill.toFixed(1),
      'decoder MiB (h512 L4)': (decodeMs.bytes / 2 ** 20).toFixed(1),
      ...Object.fromEntries(FOOTPRINT_MODELS.map((model) => [`${model.name} weights GiB`, (exportedWeightBytes(model, formatOf(variant)) / GIB).toFixed(2)])),
    });
  }
  const notes = [
    `fp16 KV cache per token: ${FOOTPRINT_MODELS.map((model) => `${model.name} ${(kvBytesPerToken(model) / 2 ** 20).toFixed(2)} MiB`).join(', ')} (int8/int4 exports run float32 activations, so their runner cache is twice that)`,
    'tiny logits: classic tiny LLaVA checkpoint, one 12-position prompt with an image; fp16 exports take float16 inputs and are covered by test/runners/export/llava-export.test.ts',
    `decode: random ${DECODE_SHAPE.hidden}-hidden ${DECODE_SHAPE.layers}-layer LLaMA decoder, vocab ${DECODE_SHAPE.vocabularySize}, onnxruntime-node CPU, 1 intra-op thread, best of 3 runs`,
  ];
  return { name: 'Weight-only quantization', rows, notes };
}

async function decodeSpeed(folder: string, format: WeightFormat): Promise<{ prefill: number; decode: number; bytes: number }> {
  mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  const shape = DECODE_SHAPE;
  const graph = buildLlamaDecoder(shape, llamaRotaryTables(512, shape.headDim, 10000), (name, dims) => normalTensor(7, name, dims.reduce((a, b) => a * b, 1), dims.length === 1 ? 0.1 : 1 / Math.sqrt(dims[0])).map((value) => (dims.length === 1 ? value + 1 : value)), format);
  await writeGraph(graph, { opset: 17, folder, name: 'decoder' });
  const bytes = folderBytes(path.join(folder, 'onnx'));
  const session = await InferenceSession.create(path.join(folder, 'onnx', 'decoder.onnx'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const half = format.precision === 'float16';
  const floats = (values: Float32Array, dims: number[]) => (half ? new Tensor('float16', Uint16Array.from(values, () => 0x2e66), dims) : new Tensor('float32', values, dims));
  let best = { prefill: Infinity, decode: Infinity, bytes };
  for (let run = 0; run < 3; run++) {
    const feeds = (length: number, past: number, cache: Record<string, Tensor>) => ({
      inputs_embeds: floats(normalTensor(run, `embeds-${past}`, length * shape.hidden, 1), [1, length, shape.hidden]),
      attention_mask: new Tensor('int64', new BigInt64Array(past + length).fill(1n), [1, past + length]),
      position_ids: new Tensor('int64', BigInt64Array.from({ length }, (_, index) => BigInt(past + index)), [1, length]),
      num_logits_to_keep: new Tensor('int64', BigInt64Array.of(1n), []),
      ...cache,
    });
    let cache: Record<string, Tensor> = {};
    for (let layer = 0; layer < shape.layers; layer++) for (const kind of ['key', 'value']) cache[`past_key_values.${layer}.${kind}`] = floats(new Float32Array(0), [1, shape.keyValueHeads, 0, shape.headDim]);
    const next = (outputs: InferenceSession.OnnxValueMapType) =>
      Object.fromEntries(Object.entries(outputs).filter(([name]) => name.startsWith('present.')).map(([name, value]) => [name.replace('present.', 'past_key_values.'), value as Tensor]));
    let started = performance.now();
    let outputs = await session.run(feeds(PROMPT_TOKENS, 0, cache));
    const prefill = performance.now() - started;
    readFloat32(outputs.logits as Tensor);
    started = performance.now();
    for (let step = 0; step < DECODE_STEPS; step++) {
      cache = next(outputs);
      outputs = await session.run(feeds(1, PROMPT_TOKENS + step, cache));
    }
    const decode = (performance.now() - started) / DECODE_STEPS;
    best = { prefill: Math.min(best.prefill, prefill), decode: Math.min(best.decode, decode), bytes };
  }
  await session.release();
  return best;
}
