import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { exportCheckpoint } from '../../../runners/export/export-checkpoint.js';
import { readFloat32, toFloatData, type FloatType } from '../../../runners/onnx/tensors.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { LlavaReference } from './llava-reference.js';
import { convertCheckpointTokenizer } from '../../../runners/export/tokenizer/write-tokenizer-json.js';
import { TextTokenizer } from '../../../runners/onnx/tokenizer.js';
import { referenceEncode } from './sentencepiece-bpe-reference.js';
import { serializeModel, testPieces } from './sentencepiece-test-model.js';
import { TINY_LLAVA, writeTinyLlava, type Generation, type TinyLlava } from './tiny-llava-checkpoint.js';
import { maxAbsDifference, testPixels } from './numeric-checks.js';



async function runVision(folder: string, pixels: Float32Array[], type: FloatType = 'float32'): Promise<Float32Array> {
  const session = await InferenceSession.create(path.join(folder, 'onnx', `vision_encoder${type === 'float16' ? '_fp16' : ''}.onnx`));
  const size = TINY_LLAVA.vision.imageSize;
  const batch = new Float32Array(pixels.length * pixels[0].length);
  pixels.forEach((image, index) => batch.set(image, index * image.length));
  const { image_features } = await session.run({ pixel_values: new Tensor(type, toFloatData(type, batch), [pixels.length, 3, size, size]) });
  await session.release();
  return readFloat32(image_features);
}

async function runDecoder(folder: string, embeds: number[][], type: FloatType = 'float32'): Promise<Float32Array> {
  const session = await InferenceSession.create(path.join(folder, 'onnx', `decoder_model_merged${type === 'float16' ? '_fp16' : ''}.onnx`));
  const { hidden, heads, keyValueHeads, layers } = TINY_LLAVA.text;
  const length = embeds.length;
  const feeds: Record<string, Tensor> = {
    inputs_embeds: new Tensor(type, toFloatData(type, Float32Array.from(embeds.flat())), [1, length, hidden]),
    attention_mask: new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]),
    position_ids: new Tensor('int64', BigInt64Array.from({ length }, (_, index) => BigInt(index)), [1, length]),
    num_logits_to_keep: new Tensor('int64', BigInt64Array.of(0n), []),
  };
  for (let layer = 0; layer < layers; layer++) {
    for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new Tensor(type, toFloatData(type, new Float32Array(0)), [1, keyValueHeads, 0, hidden / heads]);
  }
  const { logits } = await session.run(feeds);
  await session.release();
  return readFloat32(logits);
}

describe('LLaVA-1.5 export', () => {
  const exported = new Map<Generation, { checkpoint: TinyLlava; out: string }>();
  before(async () => {
    for (const generation of ['classic', 'current'] as const) {
      const root = temporaryFolder();
      const checkpoint = writeTinyLlava(path.join(root, 'checkpoint'), generation);
      const out = path.join(root, 'exported');
      await exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' });
      exported.set(generation, { checkpoint, out });
    }
  });

  test('writes the runner layout with the runner config completed from LlamaConfig/CLIP defaults', () => {
    const { out, checkpoint } = exported.get('classic')!;
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['config.json', 'generation_config.json', 'onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    assert.deepEqual(readdirSync(path.join(out, 'onnx')).sort(), [
      'decoder_model_merged.onnx', 'decoder_model_merged.onnx_data', 'embed_tokens.onnx', 'embed_tokens.onnx_data', 'vision_encoder.onnx', 'vision_encoder.onnx_data',
    ]);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(config.image_token_id, checkpoint.imageTokenId);
    assert.equal(config.n_image_tokens, 4);
    assert.equal(config.text_config.head_dim, 16);
    assert.equal(config.text_config.rope_theta, 10000);
    assert.equal(config.emu_eval_export.architecture, 'llava');
    const preprocessor = JSON.parse(readFileSync(path.join(out, 'preprocessor_config.json'), 'utf8'));
    assert.deepEqual(preprocessor.crop_size, { height: 28, width: 28 });
    assert.deepEqual(preprocessor.size, { shortest_edge: 28 });
  });

  for (const generation of ['classic', 'current'] as const) {
    test(`${generation} tensor names: vision features and logits match the reference forward pass (< 1e-4)`, async () => {
      const { out, checkpoint } = exported.get(generation)!;
      const reference = new LlavaReference(checkpoint);
      const images = [testPixels(TINY_LLAVA.vision.imageSize, 1), testPixels(TINY_LLAVA.vision.imageSize, 2)];
      const features = await runVision(out, images);
      const expected = images.flatMap((image) => reference.imageFeatures(image).flat());
      const visionDifference = maxAbsDifference(features, expected);
      assert.ok(visionDifference < 1e-4, `vision features differ by ${visionDifference}`);

      const imageRows = reference.imageFeatures(images[0]);
      const embeds = [...reference.embed([1, 7, 9]), ...imageRows, ...reference.embed([12, 40, 3, 99, 5])];
      const logits = await runDecoder(out, embeds);
      const logitDifference = maxAbsDifference(logits, reference.logits(embeds).flat());
      assert.ok(logitDifference < 1e-4, `logits differ by ${logitDifference}`);
      console.log(`# ${generation}: max |Δ| vision ${visionDifference.toExponential(2)}, logits ${logitDifference.toExponential(2)}`);
    });
  }

  test('fp16: float16 weights and activations stay within float16 precision of the reference, same greedy tokens', async () => {
    const { checkpoint } = exported.get('classic')!;
    const out = path.join(temporaryFolder(), 'fp16');
    const result = await exportCheckpoint(checkpoint.folder, out, { dtype: 'fp16' });
    assert.ok(result.files.includes('onnx/decoder_model_merged_fp16.onnx_data'));
    const fp32Bytes = statSync(path.join(exported.get('classic')!.out, 'onnx', 'decoder_model_merged.onnx_data')).size;
    assert.ok(statSync(path.join(out, 'onnx', 'decoder_model_merged_fp16.onnx_data')).size < 0.6 * fp32Bytes);
    const reference = new LlavaReference(checkpoint);
    const image = testPixels(TINY_LLAVA.vision.imageSize, 3);
    const expectedFeatures = reference.imageFeatures(image);
    const visionDifference = maxAbsDifference(await runVision(out, [image], 'float16'), expectedFeatures.flat());
    const embeds = [...reference.embed([1, 7, 9]), ...expectedFeatures, ...reference.embed([12, 40, 3, 99, 5])];
    const expectedLogits = reference.logits(embeds);
    const logits = await runDecoder(out, embeds, 'float16');
    const logitDifference = maxAbsDifference(logits, expectedLogits.flat());
    console.log(`# fp16: max |Δ| vision ${visionDifference.toExponential(2)}, logits ${logitDifference.toExponential(2)}`);
    assert.ok(visionDifference < 2e-2, `vision features differ by ${visionDifference}`);
    assert.ok(logitDifference < 5e-2, `logits differ by ${logitDifference}`);
    const vocabulary = expectedLogits[0].length;
    expectedLogits.forEach((row, position) => {
      const best = row.indexOf(Math.max(...row));
      const secondBest = Math.max(...row.filter((_, index) => index !== best));
      // Only positions with a clear winner: a float16 rounding may legitimately swap near-ties.
      if (row[best] - secondBest > 0.1) assert.equal(argmaxOf(logits, position * vocabulary, vocabulary), best, `position ${position}`);
    });
  });
});

function argmaxOf(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let index = 1; index < length; index++) if (values[offset + index] > values[offset + best]) best = index;
  return best;
}

describe('export failures leave no output folder', () => {
  let root: string;
  before(() => {
    root = temporaryFolder();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const assertNothingWritten = (parent: string, out: string) => {
    assert.ok(!existsSync(out), `${out} should not exist`);
    assert.deepEqual(readdirSync(parent).filter((name) => name.includes('exporting')), []);
  };

  test('a missing tensor is a DataError naming it, before anything is written', async () => {
    const parent = path.join(root, 'missing');
    const checkpoint = writeTinyLlava(path.join(parent, 'checkpoint'), 'classic', { omit: ['language_model.model.layers.1.mlp.up_proj.weight'] });
    const out = path.join(parent, 'out');
    await assert.rejects(exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' }), (error: Error) => {
      assert.equal(error.name, 'DataError');
      assert.match(error.message, /language_model\.model\.layers\.1\.mlp\.up_proj\.weight.*missing/);
      return true;
    });
    assertNothingWritten(parent, out);
  });

  test('a tensor of the wrong shape is a DataError naming the tensor, its file and both shapes', async () => {
    const parent = path.join(root, 'shape');
    const checkpoint = writeTinyLlava(path.join(parent, 'checkpoint'), 'current', { reshape: { 'model.multi_modal_projector.linear_1.weight': [64, 31] } });
    const out = path.join(parent, 'out');
    await assert.rejects(exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' }), /model-00001-of-00002\.safetensors: tensor model\.multi_modal_projector\.linear_1\.weight has shape \[64,31\], but config\.json implies \[64,32\]/);
    assertNothingWritten(parent, out);
  });

  test('a read failure halfway through removes the partial export and names the file and tensor', async () => {
    const parent = path.join(root, 'read');
    const checkpoint = writeTinyLlava(path.join(parent, 'checkpoint'));
    const out = path.join(parent, 'out');
    const languageShard = path.join(checkpoint.folder, 'model-00002-of-00002.safetensors');
    let removed = false;
    const onProgress = (written: number) => {
      if (written > 0 && !removed) {
        removed = true;
        // Cut the shard short: readers holding it open see the end of file, as with a failing disk.
        truncateSync(languageShard, 64);
      }
    };
    await assert.rejects(exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32', onProgress }), (error: Error) => {
      assert.equal(error.name, 'DataError');
      assert.match(error.message, /model-00002-of-00002\.safetensors/);
      assert.match(error.message, /language_model\.model\.embed_tokens\.weight/);
      return true;
    });
    assert.ok(removed);
    assertNothingWritten(parent, out);
  });

  test('an unknown architecture is a ConfigError naming model_type, architectures and what is supported', async () => {
    const parent = path.join(root, 'unknown');
    const checkpoint = writeTinyLlava(path.join(parent, 'checkpoint'));
    const configFile = path.join(checkpoint.folder, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, model_type: 'qwen2_vl', architectures: ['Qwen2VLForConditionalGeneration'] }));
    const out = path.join(parent, 'out');
    await assert.rejects(exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' }), (error: Error) => {
      assert.equal(error.name, 'ConfigError');
      assert.match(error.message, /model_type "qwen2_vl", architectures \["Qwen2VLForConditionalGeneration"\] cannot be exported; supported: llava \(LlavaForConditionalGeneration\)/);
      return true;
    });
    assertNothingWritten(parent, out);
  });

  test('a checkpoint with only tokenizer.model gets the equivalent tokenizer.json', async () => {
    const parent = path.join(root, 'sentencepiece');
    const checkpoint = writeTinyLlava(path.join(parent, 'checkpoint'), 'classic', { tokenizer: 'sentencepiece-only' });
    writeFileSync(path.join(checkpoint.folder, 'tokenizer.model'), serializeModel(testPieces()));
    writeFileSync(path.join(checkpoint.folder, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'LlamaTokenizer', add_bos_token: true, add_eos_token: false, legacy: true }));
    const out = path.join(parent, 'out');
    const result = await exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' });
    assert.ok(result.files.includes('tokenizer.json'));
    const written = JSON.parse(readFileSync(path.join(out, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(written, convertCheckpointTokenizer(checkpoint.folder));
    const tokenizer = new TextTokenizer(written, { add_bos_token: true });
    assert.deepEqual(tokenizer.encode('what color', true), [1, ...referenceEncode(testPieces(), 'what color')]);
  });

  test('an unreadable tokenizer.model stops the export before any weight is written, naming the file', async () => {
    const parent = path.join(root, 'sentencepiece-broken');
    const checkpoint = writeTinyLlava(path.join(parent, 'checkpoint'), 'classic', { tokenizer: 'sentencepiece-only' });
    const out = path.join(parent, 'out');
    await assert.rejects(exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' }), (error: Error) => error.name === 'DataError' && error.message.includes(path.join(checkpoint.folder, 'tokenizer.model')));
    assertNothingWritten(parent, out);
  });

  test('an existing non-empty output folder is never overwritten', async () => {
    const parent = path.join(root, 'existing');
    const checkpoint = writeTinyLlava(path.join(parent, 'checkpoint'));
    const out = path.join(parent, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep.txt'), 'mine');
    await assert.rejects(exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' }), /already exists and is not empty/);
    assert.equal(readFileSync(path.join(out, 'keep.txt'), 'utf8'), 'mine');
    assert.ok(statSync(out).isDirectory());
  });
});
