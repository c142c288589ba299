import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ConfigError } from '../../../core/errors.js';
import { exportCheckpoint } from '../../../runners/export/export-checkpoint.js';
import { readFloat32, toFloatData } from '../../../runners/onnx/tensors.js';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { emu2ImageFeatures } from './emu2-reference.js';
import { writeTinyEmu2, type Tensors } from './tiny-emu2-checkpoint.js';

async function run(file: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(file);
  try {
    return (await session.run(feeds)) as Record<string, Tensor>;
  } finally {
    await session.release();
  }
}

/**
 * Logits of a one-token sequence computed by hand: with a single position, attention is the value itself
 * and rotary position 0 is the identity, so the result checks every decoder weight the exporter mapped from
 * `model.decoder.lm.…` except q_proj/k_proj (whose presence and shape checkAll verified).
 */
function singleTokenLogits(tensors: Tensors, config: Record<string, unknown>, embedding: number[]): number[] {
  const hidden = config.hidden_size as number;
  const get = (name: string) => tensors.get(`model.decoder.lm.${name}`)!.values;
  const linear = (x: number[], weight: Float32Array) => Array.from({ length: weight.length / x.length }, (_, o) => x.reduce((sum, value, i) => sum + value * weight[o * x.length + i], 0));
  const rms = (x: number[], weight: Float32Array) => {
    const meanSquare = x.reduce((a, b) => a + b * b, 0) / hidden;
    return x.map((value, i) => (weight[i] * value) / Math.sqrt(meanSquare + (config.rms_norm_eps as number)));
  };
  let x = embedding;
  for (let layer = 0; layer < (config.num_hidden_layers as number); layer++) {
    const p = `model.layers.${layer}`;
    const attention = linear(linear(rms(x, get(`${p}.input_layernorm.weight`)), get(`${p}.self_attn.v_proj.weight`)), get(`${p}.self_attn.o_proj.weight`));
    x = x.map((value, i) => value + attention[i]);
    const h = rms(x, get(`${p}.post_attention_layernorm.weight`));
    const gate = linear(h, get(`${p}.mlp.gate_proj.weight`));
    const up = linear(h, get(`${p}.mlp.up_proj.weight`));
    const down = linear(gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]), get(`${p}.mlp.down_proj.weight`));
    x = x.map((value, i) => value + down[i]);
  }
  return linear(rms(x, get('model.norm.weight')), get('lm_head.weight'));
}

describe('Emu2 export', () => {
  let out: string;
  let checkpoint: ReturnType<typeof writeTinyEmu2>;
  before(async () => {
    const root = temporaryFolder('emu2-export-');
    checkpoint = writeTinyEmu2(path.join(root, 'checkpoint'));
    out = path.join(root, 'exported');
    await exportCheckpoint(path.join(root, 'checkpoint'), out, { dtype: 'fp32' });
  });

  test('writes the runner layout: config.json with the [IMG] <image>×n [/IMG] fields, a square-resize preprocessor', () => {
    assert.deepEqual(readdirSync(path.join(out, 'onnx')).sort(), [
      'decoder_model_merged.onnx', 'decoder_model_merged.onnx_data', 'embed_tokens.onnx', 'embed_tokens.onnx_data', 'vision_encoder.onnx', 'vision_encoder.onnx_data',
    ]);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(config.emu_eval_export.architecture, 'emu2');
    assert.deepEqual([config.image_token, config.image_token_id, config.image_start_token, config.image_end_token, config.n_image_tokens], ['<image>', checkpoint.imageTokenId, '[IMG]', '[/IMG]', 4]);
    assert.deepEqual([config.text_config.hidden_size, config.text_config.num_hidden_layers, config.text_config.head_dim, config.text_config.vocab_size], [48, 2, 12, checkpoint.config.vocab_size]);
    const preprocessor = JSON.parse(readFileSync(path.join(out, 'preprocessor_config.json'), 'utf8'));
    assert.deepEqual([preprocessor.size, preprocessor.do_center_crop, preprocessor.resample], [{ height: 56, width: 56 }, false, 3]);
    assert.deepEqual(preprocessor.image_mean, [0.48145466, 0.4578275, 0.40821073]);
  });

  test('the exported vision encoder gives the reference image features', async () => {
    const size = 56;
    const pixels = Float32Array.from({ length: 3 * size * size }, (_, index) => Math.cos(index * 0.37) * 1.5);
    const { image_features } = await run(path.join(out, 'onnx', 'vision_encoder.onnx'), { pixel_values: new Tensor('float32', pixels, [1, 3, size, size]) });
    const expected = emu2ImageFeatures(checkpoint.tensors, checkpoint.config, pixels).flat();
    const actual = image_features.data as Float32Array;
    const largest = expected.reduce((max, value, index) => Math.max(max, Math.abs(actual[index] - value)), 0);
    assert.ok(largest < 1e-4, `max abs difference ${largest}`);
  });

  test("embed_tokens and the decoder read Emu2's model.decoder.lm.* tensors", async () => {
    const hidden = 48;
    const ids = [1, 17, checkpoint.imageTokenId];
    const { inputs_embeds } = await run(path.join(out, 'onnx', 'embed_tokens.onnx'), { input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 3]) });
    const table = checkpoint.tensors.get('model.decoder.lm.model.embed_tokens.weight')!.values;
    assert.deepEqual(Array.from(inputs_embeds.data as Float32Array), ids.flatMap((id) => Array.from(table.subarray(id * hidden, (id + 1) * hidden))));

    const embedding = Array.from(table.subarray(17 * hidden, 18 * hidden));
    const feeds: Record<string, Tensor> = {
      inputs_embeds: new Tensor('float32', Float32Array.from(embedding), [1, 1, hidden]),
      attention_mask: new Tensor('int64', BigInt64Array.of(1n), [1, 1]),
      position_ids: new Tensor('int64', BigInt64Array.of(0n), [1, 1]),
      num_logits_to_keep: new Tensor('int64', BigInt64Array.of(0n), []),
    };
    for (let layer = 0; layer < 2; layer++) {
      for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new Tensor('float32', new Float32Array(0), [1, 4, 0, 12]);
    }
    const { logits } = await run(path.join(out, 'onnx', 'decoder_model_merged.onnx'), feeds);
    const expected = singleTokenLogits(checkpoint.tensors, checkpoint.config, embedding);
    const actual = logits.data as Float32Array;
    const largest = expected.reduce((max, value, index) => Math.max(max, Math.abs(actual[index] - value)), 0);
    assert.ok(largest < 1e-4, `max abs difference ${largest}`);
  });

  test('a tokenizer without <image> is refused before any weight is written, naming the token and the files', async () => {
    const root = temporaryFolder('emu2-export-');
    const folder = path.join(root, 'checkpoint');
    writeTinyEmu2(folder);
    const tokenizer = JSON.parse(readFileSync(path.join(folder, 'tokenizer.json'), 'utf8'));
    tokenizer.added_tokens = tokenizer.added_tokens.filter((token: { content: string }) => token.content !== '<image>');
    writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizer));
    await assert.rejects(exportCheckpoint(folder, path.join(root, 'exported'), { dtype: 'fp32' }), (error: unknown) => error instanceof ConfigError && /has no <image> token \(looked in tokenizer\.json added_tokens/.test(error.message));
    assert.equal(existsSync(path.join(root, 'exported')), false);
  });

  test('fp16: float16 weights and activations stay within float16 precision of the float32 reference', async () => {
    const root = temporaryFolder('emu2-export-');
    writeTinyEmu2(path.join(root, 'checkpoint'));
    const fp16 = path.join(root, 'exported');
    const result = await exportCheckpoint(path.join(root, 'checkpoint'), fp16, { dtype: 'fp16' });
    assert.ok(result.files.includes('onnx/vision_encoder_fp16.onnx_data'));
    const size = 56;
    const pixels = Float32Array.from({ length: 3 * size * size }, (_, index) => Math.cos(index * 0.37) * 1.5);
    const { image_features } = await run(path.join(fp16, 'onnx', 'vision_encoder_fp16.onnx'), { pixel_values: new Tensor('float16', toFloatData('float16', pixels), [1, 3, size, size]) });
    assert.equal(image_features.type, 'float16');
    const expected = emu2ImageFeatures(checkpoint.tensors, checkpoint.config, pixels).flat();
    const actual = readFloat32(image_features);
    const scale = expected.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    const largest = expected.reduce((max, value, index) => Math.max(max, Math.abs(actual[index] - value)), 0);
    // float16 keeps 11 significant bits: about 5e-4 relative per rounding, a few roundings deep.
    assert.ok(largest < 1e-2 * Math.max(1, scale), `max abs difference ${largest} at scale ${scale}`);

    const runs = await runCli(['run', 'vqav2', '--model', `onnx:${fp16}`, '--dtype', 'fp16', '--limit', '2', '--out', path.join(root, 'runs'), '--json']);
    assert.equal(runs.code, 0, runs.stderr);
    const { metrics } = JSON.parse(runs.stdout) as { metrics: Array<{ all: { n: number; nErrors: number } }> };
    assert.deepEqual(metrics.map(({ all }) => [all.n, all.nErrors]), [[2, 0]]);
  });
});
