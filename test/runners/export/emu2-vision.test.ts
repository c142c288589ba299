import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ConfigError, DataError } from '../../../core/errors.js';
import { CheckpointWeights } from '../../../runners/export/checkpoint-weights.js';
import { poolStrideFor, resolveEmu2Settings } from '../../../runners/export/emu2/emu2-config.js';
import { checkEmu2Layout } from '../../../runners/export/emu2/emu2-names.js';
import { buildEmu2VisionEncoder, poolPatchGrid } from '../../../runners/export/emu2/emu2-vision-encoder.js';
import { ElementType, GraphBuilder } from '../../../runners/export/graph/graph-builder.js';
import { writeGraph } from '../../../runners/export/writer/write-graph.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { emu2ImageFeatures } from './emu2-reference.js';
import { memoryCheckpoint, tinyEmu2Config, tinyEmu2Tensors, type TinyEmu2Options } from './tiny-emu2-checkpoint.js';
import { testPixels } from './numeric-checks.js';

async function runGraph(graph: GraphBuilder, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const folder = temporaryFolder('emu2-graph-');
  mkdirSync(path.join(folder, 'onnx'));
  await writeGraph(graph, { opset: 17, folder, name: 'model' });
  const session = await InferenceSession.create(path.join(folder, 'onnx', 'model.onnx'));
  try {
    return (await session.run(feeds)) as Record<string, Tensor>;
  } finally {
    await session.release();
  }
}


/** Builds the tiny vision encoder from an in-memory checkpoint, runs two images, compares with the reference. */
async function compareWithReference(options: TinyEmu2Options): Promise<number> {
  const config = tinyEmu2Config(options);
  const tensors = tinyEmu2Tensors(config);
  const weights = new CheckpointWeights(memoryCheckpoint(tensors));
  const settings = resolveEmu2Settings('config.json', config);
  const graph = buildEmu2VisionEncoder(settings, weights.source());
  weights.checkAll();
  const size = settings.vision.imageSize;
  const images = [testPixels(size, 1), testPixels(size, 2)];
  const batch = new Float32Array(2 * images[0].length);
  images.forEach((image, index) => batch.set(image, index * image.length));
  const { image_features } = await runGraph(graph, { pixel_values: new Tensor('float32', batch, [2, 3, size, size]) });
  assert.deepEqual(image_features.dims, [2, settings.imageTokens, settings.text.hidden]);
  const actual = image_features.data as Float32Array;
  const expected = images.flatMap((image) => emu2ImageFeatures(tensors, config, image).flat());
  assert.equal(actual.length, expected.length);
  let largest = 0;
  let scale = 0;
  for (let index = 0; index < expected.length; index++) {
    largest = Math.max(largest, Math.abs(actual[index] - expected[index]));
    scale = Math.max(scale, Math.abs(expected[index]));
  }
  assert.ok(scale > 0.5, `features should not be near zero (max |x| ${scale})`);
  return largest;
}

describe('Emu2 vision encoder', () => {
  test("matches a plain reference of Emu2's EVA-CLIP → pool → project_up (post-norm, q/v biases, as Emu2 ships)", async () => {
    const difference = await compareWithReference({});
    assert.ok(difference < 1e-4, `max abs difference ${difference}`);
  });

  test('matches the reference for a pre-norm tower without qkv biases too', async () => {
    const difference = await compareWithReference({ postnorm: false, qkvBias: false });
    assert.ok(difference < 1e-4, `max abs difference ${difference}`);
  });

  test('pools 2×2 windows of the patch grid row-major and never mixes in the CLS token', async () => {
    // Patches 0…15 on a 4×4 grid (one channel), CLS = 1000: windows {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}.
    const graph = new GraphBuilder('pool');
    const tokens = graph.input('tokens', ElementType.float, [1, 17, 1]);
    graph.op('Identity', [poolPatchGrid(graph, tokens, 1, 4, 2)], {}, 'pooled');
    graph.output('pooled', ElementType.float, [1, 4, 1]);
    const { pooled } = await runGraph(graph, { tokens: new Tensor('float32', Float32Array.from([1000, ...Array.from({ length: 16 }, (_, index) => index)]), [1, 17, 1]) });
    assert.deepEqual(Array.from(pooled.data as Float32Array), [2.5, 4.5, 10.5, 12.5]);
  });

  test("pooling stride follows encode_image: 64 → 4 and 256 → 2 on Emu2's 32×32 grid; counts it cannot produce are refused", () => {
    assert.equal(poolStrideFor(32, 64, 'config.json'), 4);
    assert.equal(poolStrideFor(32, 256, 'config.json'), 2);
    assert.equal(poolStrideFor(32, 1024, 'config.json'), 1);
    // int(32 // 10.0) = 3 → floor((32 − 3) / 3) + 1 = 10 per side: 100 tokens, the last two rows/columns unused.
    assert.equal(poolStrideFor(32, 100, 'config.json'), 3);
    assert.throws(() => poolStrideFor(32, 50, 'config.json'), (error: unknown) => error instanceof ConfigError && /50 visual tokens .* gives 64/.test(error.message));
  });

  test("resolves the released Emu2 / Emu2-Chat vision settings: 16 heads of 112, MLP 15360, 64 or 256 tokens", () => {
    const config = tinyEmu2Config();
    const vision = { ...(config.vision_config as object), image_size: 448, patch_size: 14, width: 1792, layers: 64, head_width: 112, n_query: 64 };
    const base = resolveEmu2Settings('config.json', { ...config, d_model: 1792, hidden_size: 6656, num_attention_heads: 52, vision_config: vision });
    assert.deepEqual([base.vision.heads, base.vision.mlpHidden, base.imageTokens, base.poolStride, base.text.headDim], [16, 15360, 64, 4, 128]);
    const chat = resolveEmu2Settings('config.json', { ...config, d_model: 1792, hidden_size: 6656, num_attention_heads: 52, vision_config: { ...vision, n_query: 256 } });
    assert.deepEqual([chat.imageTokens, chat.poolStride], [256, 2]);
    assert.equal(resolveEmu2Settings('config.json', { ...config, d_model: 1792, vision_config: vision }, { imageTokens: 256 }).imageTokens, 256);
  });

  test('a config without a field the remote code reads unconditionally is refused, naming it', () => {
    const config = tinyEmu2Config();
    const { postnorm: _dropped, ...vision } = config.vision_config as Record<string, unknown>;
    assert.throws(() => resolveEmu2Settings('/ckpt/config.json', { ...config, vision_config: vision }), (error: unknown) => error instanceof ConfigError && /\/ckpt\/config\.json: vision_config\.postnorm/.test(error.message));
  });

  test('a missing tensor is an error naming it', () => {
    const config = tinyEmu2Config();
    const tensors = tinyEmu2Tensors(config);
    tensors.delete('model.visual.blocks.1.attn.v_bias');
    const weights = new CheckpointWeights(memoryCheckpoint(tensors));
    buildEmu2VisionEncoder(resolveEmu2Settings('config.json', config), weights.source());
    assert.throws(() => weights.checkAll(), (error: unknown) => error instanceof DataError && error.field === 'model.visual.blocks.1.attn.v_bias' && /tensor model\.visual\.blocks\.1\.attn\.v_bias \(shape \[32\]\) is missing/.test(error.message));
  });

  test('a tensor of another shape is an error naming it and both shapes', () => {
    const config = tinyEmu2Config();
    const tensors = tinyEmu2Tensors(config);
    tensors.set('model.visual.pos_embed', { shape: [1, 16, 32], values: new Float32Array(16 * 32) });
    const weights = new CheckpointWeights(memoryCheckpoint(tensors));
    buildEmu2VisionEncoder(resolveEmu2Settings('config.json', config), weights.source());
    assert.throws(() => weights.checkAll(), (error: unknown) => error instanceof DataError && /tensor model\.visual\.pos_embed has shape \[1,16,32\], but config\.json implies \[1,17,32\]/.test(error.message));
  });

  test('rotary-embedding buffers (an EVA-02 tower, not Emu2’s) are refused, naming the tensor', () => {
    const tensors = tinyEmu2Tensors(tinyEmu2Config());
    assert.doesNotThrow(() => checkEmu2Layout(tensors, '/ckpt'));
    tensors.set('model.visual.rope.freqs_cos', { shape: [16, 16], values: new Float32Array(256) });
    assert.throws(() => checkEmu2Layout(tensors, '/ckpt'), (error: unknown) => error instanceof DataError && error.field === 'model.visual.rope.freqs_cos' && /applies no rotary embedding/.test(error.message));
  });
});
