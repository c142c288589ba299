import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import onnxProto from 'onnx-proto';
import { exportCheckpoint, type ExportDtype } from '../../../runners/export/export-checkpoint.js';
import { dequantizeBlockwise, quantizeBlockwise, type BlockQuantization } from '../../../runners/export/quantize/block-quantize.js';
import type { QuantMode } from '../../../runners/export/quantize/export-quantization.js';
import { transpose } from '../../../runners/export/checkpoint-weights.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../runners/onnx/tensors.js';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { LlavaReference } from './llava-reference.js';
import { forwardLogits, greedyTokens, openExport, promptEmbeds, type ExportSessions } from './quantized-llava.js';
import { TINY_LLAVA, writeTinyLlava, type TinyLlava } from './tiny-llava-checkpoint.js';
import { maxAbsDifference, testPixels } from './numeric-checks.js';

interface Variant {
  dtype: Extract<ExportDtype, 'int8' | 'int4'>;
  blockSize: 32 | 128;
  quant: QuantMode;
  /** Max |logit − fp32 logit| allowed: about 1.5× what these seeds measure (int8 0.13–0.16, int4 2.2–2.7 of logits up to ±6.9). */
  tolerance: number;
}

const VARIANTS: Variant[] = (['int8', 'int4'] as const).flatMap((dtype) =>
  ([32, 128] as const).flatMap((blockSize) => (['symmetric', 'asymmetric'] as const).map((quant) => ({ dtype, blockSize, quant, tolerance: dtype === 'int8' ? 0.25 : 4 }))),
);
const SUFFIX = { int8: '_int8', int4: '_q4' } as const;
const PROMPT = { before: [1, 7, 9], after: [12, 40, 3, 99, 5] };
const name = (variant: Variant) => `${variant.dtype}, block ${variant.blockSize}, ${variant.quant}`;


/**
 * The checkpoint as the quantized export stores it: every MatMul weight quantized and dequantized, the
 * float16-stored weights rounded to float16, CLIP's LayerNorms as they are. The float64 reference forward
 * pass over these weights is what the exported graphs must compute, quantization error aside.
 */
function asStored(model: TinyLlava, settings: BlockQuantization): TinyLlava {
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [tensorName, tensor] of model.tensors) {
    let values: Float32Array;
    if (tensor.shape.length === 2 && !/embed_tokens|position_embedding/.test(tensorName)) {
      const [outputs, inputs] = tensor.shape;
      const matrix = quantizeBlockwise(transpose(tensor.values, outputs, inputs), inputs, outputs, settings);
      values = transpose(dequantizeBlockwise(matrix, settings.bits), inputs, outputs);
    } else if (/layer_norm|layrnorm/.test(tensorName)) values = tensor.values;
    else values = tensor.values.map((value) => float16BitsToFloat32(float32ToFloat16Bits(value)));
    tensors.set(tensorName, { shape: tensor.shape, values });
  }
  return { ...model, tensors };
}

describe('LLaVA-1.5 export at int8 / int4 (MatMulNBits)', () => {
  let checkpoint: TinyLlava;
  let root: string;
  let fp32: ExportSessions;
  let fp32Logits: Float32Array;
  const exported = new Map<Variant, string>();
  before(async () => {
    root = temporaryFolder();
    checkpoint = writeTinyLlava(path.join(root, 'checkpoint'), 'classic');
    await exportCheckpoint(checkpoint.folder, path.join(root, 'fp32'), { dtype: 'fp32' });
    for (const variant of VARIANTS) {
      const out = path.join(root, `${variant.dtype}-${variant.blockSize}-${variant.quant}`);
      await exportCheckpoint(checkpoint.folder, out, { dtype: variant.dtype, blockSize: variant.blockSize, quant: variant.quant });
      exported.set(variant, out);
    }
    fp32 = await openExport(path.join(root, 'fp32'), '');
    fp32Logits = await forwardLogits(fp32, await promptEmbeds(fp32, PROMPT.before, testPixels(TINY_LLAVA.vision.imageSize, 1), PROMPT.after));
  });
  after(async () => fp32?.release());

  test('writes *_q4 / *_int8 files with MatMulNBits nodes, the com.microsoft opset, a float16 embedding table, and records the settings', () => {
    const out = exported.get(VARIANTS.find((variant) => variant.dtype === 'int4' && variant.quant === 'asymmetric' && variant.blockSize === 128)!)!;
    assert.deepEqual(readdirSync(path.join(out, 'onnx')).sort(), [
      'decoder_model_merged_q4.onnx', 'decoder_model_merged_q4.onnx_data', 'embed_tokens_q4.onnx', 'embed_tokens_q4.onnx_data', 'vision_encoder_q4.onnx', 'vision_encoder_q4.onnx_data',
    ]);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(config.emu_eval_export.dtype, 'int4');
    assert.deepEqual(
      { bits: config.emu_eval_export.quantization.bits, block: config.emu_eval_export.quantization.block_size, symmetric: config.emu_eval_export.quantization.symmetric },
      { bits: 4, block: 128, symmetric: false },
    );
    const decoder = onnxProto.onnx.ModelProto.decode(readFileSync(path.join(out, 'onnx', 'decoder_model_merged_q4.onnx')));
    assert.deepEqual(decoder.opsetImport.map((entry) => entry.domain).sort(), ['', 'com.microsoft']);
    const quantized = decoder.graph!.node!.filter((node) => node.opType === 'MatMulNBits');
    // 7 projections per layer × 2 layers + lm_head; the attention score/context MatMuls stay MatMul.
    assert.equal(quantized.length, 7 * TINY_LLAVA.text.layers + 1);
    assert.ok(quantized.every((node) => node.domain === 'com.microsoft' && node.input!.length === 4));
    const head = quantized.find((node) => node.output![0] === 'logits')!;
    const attributes = Object.fromEntries(head.attribute!.map((attribute) => [attribute.name, Number(attribute.i)]));
    assert.deepEqual(attributes, { K: TINY_LLAVA.text.hidden, N: checkpoint.vocabularySize, bits: 4, block_size: 128 });
    const embed = onnxProto.onnx.ModelProto.decode(readFileSync(path.join(out, 'onnx', 'embed_tokens_q4.onnx')));
    assert.equal(embed.graph!.initializer!.find((tensor) => tensor.name === 'model.embed_tokens.weight')!.dataType, onnxProto.onnx.TensorProto.DataType.FLOAT16);
    assert.deepEqual(embed.graph!.node!.map((node) => node.opType), ['Gather', 'Cast']);
    const symmetric = onnxProto.onnx.ModelProto.decode(readFileSync(path.join(exported.get(VARIANTS[0])!, 'onnx', 'decoder_model_merged_int8.onnx')));
    assert.ok(symmetric.graph!.node!.filter((node) => node.opType === 'MatMulNBits').every((node) => node.input!.length === 3), 'symmetric: no zero points');
  });

  for (const variant of VARIANTS) {
    test(`${name(variant)}: the graphs compute the reference forward pass over the stored weights (< 1e-4)`, async () => {
      const out = exported.get(variant)!;
      const reference = new LlavaReference(asStored(checkpoint, { bits: variant.dtype === 'int8' ? 8 : 4, blockSize: variant.blockSize, symmetric: variant.quant === 'symmetric' }));
      const sessions = await openExport(out, SUFFIX[variant.dtype]);
      try {
        const pixels = testPixels(TINY_LLAVA.vision.imageSize, 2);
        const embeds = await promptEmbeds(sessions, PROMPT.before, pixels, PROMPT.after);
        const expectedEmbeds = [...reference.embed(PROMPT.before), ...reference.imageFeatures(pixels), ...reference.embed(PROMPT.after)];
        const embedDifference = maxAbsDifference(embeds, expectedEmbeds.flat());
        const logitDifference = maxAbsDifference(await forwardLogits(sessions, embeds), reference.logits(expectedEmbeds).flat());
        console.log(`# ${name(variant)}: max |Δ| vs reference over stored weights: embeds ${embedDifference.toExponential(2)}, logits ${logitDifference.toExponential(2)}`);
        assert.ok(embedDifference < 1e-4 && logitDifference < 1e-4, `max |Δ| embeds ${embedDifference}, logits ${logitDifference}`);
      } finally {
        await sessions.release();
      }
    });

    test(`${name(variant)}: logits within ${variant.tolerance} of the fp32 export's; greedy tokens agree while fp32's margin exceeds twice the measured error`, async () => {
      const sessions = await openExport(exported.get(variant)!, SUFFIX[variant.dtype]);
      try {
        const embeds = await promptEmbeds(sessions, PROMPT.before, testPixels(TINY_LLAVA.vision.imageSize, 1), PROMPT.after);
        const difference = maxAbsDifference(await forwardLogits(sessions, embeds), fp32Logits);
        console.log(`# ${name(variant)}: max |Δ logit| vs fp32 ${difference.toExponential(2)}`);
        assert.ok(difference <= variant.tolerance, `max |Δ logit| ${difference} > ${variant.tolerance}`);
        const expected = await greedyTokens(fp32, await promptEmbeds(fp32, PROMPT.before, testPixels(TINY_LLAVA.vision.imageSize, 1), PROMPT.after), 4, checkpoint.vocabularySize);
        const actual = await greedyTokens(sessions, embeds, 4, checkpoint.vocabularySize);
        // A token can only differ where fp32's lead is within the two logits' combined error (the prompt's
        // measured error stands for the later positions'); after a permitted divergence the prefixes
        // differ, so comparison stops there. int8 is checked at every step here; int4's error (≈2.5)
        // exceeds every margin of this random model (0.3–1.2), so its tokens are not expected to agree.
        for (const [step, { token, margin }] of expected.entries()) {
          if (margin <= 2 * difference) break;
          assert.equal(actual[step].token, token, `step ${step} (fp32 margin ${margin})`);
        }
      } finally {
        await sessions.release();
      }
    });
  }

  test('int4 block 32 is about a third of fp32 on disk, int8 about half', () => {
    const bytes = (folder: string) => readdirSync(path.join(folder, 'onnx')).reduce((total, file) => total + statSync(path.join(folder, 'onnx', file)).size, 0);
    const full = bytes(path.join(root, 'fp32'));
    const int4 = bytes(exported.get(VARIANTS.find((variant) => variant.dtype === 'int4' && variant.blockSize === 32 && variant.quant === 'symmetric')!)!);
    const int8 = bytes(exported.get(VARIANTS[0])!);
    // The tiny model's rotary tables and float16 embeddings are a large share of it; a 7B model gets ~1/6.
    assert.ok(int4 < 0.45 * full && int8 < 0.55 * full, `fp32 ${full}, int8 ${int8}, int4 ${int4} bytes`);
  });

  test('quantization flags without a quantized dtype are ConfigErrors naming the flag', async () => {
    await assert.rejects(exportCheckpoint(checkpoint.folder, path.join(root, 'refused-1'), { dtype: 'fp32', blockSize: 32 }), (error: Error) => error.name === 'ConfigError' && /--block-size 32/.test(error.message));
    await assert.rejects(exportCheckpoint(checkpoint.folder, path.join(root, 'refused-2'), { dtype: 'fp16', quant: 'asymmetric' }), (error: Error) => error.name === 'ConfigError' && /--quant asymmetric/.test(error.message));
    await assert.rejects(exportCheckpoint(checkpoint.folder, path.join(root, 'refused-3'), { dtype: 'int4', blockSize: 64 }), (error: Error) => error.name === 'ConfigError' && /--block-size 64: expected one of 32, 128/.test(error.message));
  });

  test('emu-eval export --dtype int4 then run vqav2 --model onnx:OUT --dtype q4 answers end to end', async () => {
    const out = path.join(root, 'cli-q4');
    const exportedCli = await runCli(['export', checkpoint.folder, '--out', out, '--dtype', 'int4', '--block-size', '128', '--quant', 'asymmetric', '--json']);
    assert.equal(exportedCli.code, 0, exportedCli.stderr);
    const summary = JSON.parse(exportedCli.stdout);
    assert.equal(summary.dtype, 'int4');
    assert.ok(summary.files.includes('onnx/decoder_model_merged_q4.onnx_data'));
    const runs = temporaryFolder();
    const run = await runCli(['run', 'vqav2', '--model', `onnx:${out}`, '--dtype', 'q4', '--limit', '2', '--out', runs, '--json', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const samples = readdirSync(runs, { recursive: true }).map(String).filter((file) => file.endsWith('samples.jsonl'));
    const lines = readFileSync(path.join(runs, samples[0]), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 2);
    for (const line of lines) assert.notEqual(line.finishReason ?? line.finish_reason, 'error', JSON.stringify(line));
  });
});
