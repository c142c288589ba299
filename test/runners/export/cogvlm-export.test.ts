import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { exportCheckpoint } from '../../../runners/export/export-checkpoint.js';
import { sharedImagePositions } from '../../../runners/onnx/decoding-state.js';
import { openModelFolder } from '../../../runners/onnx/model-folder.js';
import { countParameters } from '../../../runners/onnx/param-count.js';
import { readFloat32 } from '../../../runners/onnx/tensors.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { buildPositionIds, CogvlmReference } from './cogvlm-reference.js';
import { TINY_COGVLM, writeTinyCogvlm, type TinyCogvlm, type TinyCogvlmOptions } from './tiny-cogvlm-checkpoint.js';
import { maxAbsDifference, testPixels } from './numeric-checks.js';



async function exportTiny(options: TinyCogvlmOptions = {}): Promise<{ checkpoint: TinyCogvlm; out: string }> {
  const root = temporaryFolder();
  const checkpoint = writeTinyCogvlm(path.join(root, 'cogvlm-chat-tiny-hf'), options);
  const out = path.join(root, 'exported');
  await exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' });
  return { checkpoint, out };
}

async function runVision(folder: string, pixels: Float32Array): Promise<Float32Array> {
  const session = await InferenceSession.create(path.join(folder, 'onnx', 'vision_encoder.onnx'));
  const size = TINY_COGVLM.vision.imageSize;
  const { image_features } = await session.run({ pixel_values: new Tensor('float32', pixels, [1, 3, size, size]) });
  await session.release();
  return readFloat32(image_features);
}

/** One unpadded sequence through decoder_model_merged with the given token types and positions; logits for every token. */
async function runDecoder(folder: string, embeds: number[][], tokenTypes: number[], positions: number[]): Promise<Float32Array> {
  const session = await InferenceSession.create(path.join(folder, 'onnx', 'decoder_model_merged.onnx'));
  const { hidden, heads, layers } = TINY_COGVLM.text;
  const length = embeds.length;
  const int64 = (values: number[]) => new Tensor('int64', BigInt64Array.from(values, BigInt), [1, length]);
  const feeds: Record<string, Tensor> = {
    inputs_embeds: new Tensor('float32', Float32Array.from(embeds.flat()), [1, length, hidden]),
    attention_mask: int64(new Array<number>(length).fill(1)),
    position_ids: int64(positions),
    token_type_ids: int64(tokenTypes),
    num_logits_to_keep: new Tensor('int64', BigInt64Array.of(0n), []),
  };
  for (let layer = 0; layer < layers; layer++) {
    for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new Tensor('float32', new Float32Array(0), [1, heads, 0, hidden / heads]);
  }
  const { logits } = await session.run(feeds);
  await session.release();
  return readFloat32(logits);
}

/** The embeddings build_conversation_input_ids + CogVLMModel.forward give a prompt: image rows spliced over the pad ids. */
function imagePrompt(reference: CogvlmReference, pixels: Float32Array, textIds: number[]) {
  const conversation = reference.conversation(textIds, true);
  const embeds = reference.embed(conversation.inputIds);
  reference.imageFeatures(pixels).forEach((row, index) => (embeds[1 + index] = row));
  return { ...conversation, embeds };
}

describe('CogVLM export', () => {
  let exported: { checkpoint: TinyCogvlm; out: string };
  before(async () => {
    exported = await exportTiny();
  });

  test('writes the runner layout, with CogVLM image tokens, positions and tokenization recorded in config.json', () => {
    const { out, checkpoint } = exported;
    assert.deepEqual(readdirSync(out).sort(), ['config.json', 'generation_config.json', 'onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(config.emu_eval_export.architecture, 'cogvlm');
    assert.equal(config.image_token_id, checkpoint.ids.image);
    assert.equal(config.n_image_tokens, TINY_COGVLM.imageTokens);
    assert.equal(config.position_ids_for_image_tokens, 'shared');
    assert.equal(config.tokenize_text_between_images, true);
    assert.equal(config.text_config.num_key_value_heads, TINY_COGVLM.text.heads);
    const preprocessor = JSON.parse(readFileSync(path.join(out, 'preprocessor_config.json'), 'utf8'));
    assert.deepEqual(preprocessor.size, { height: 28, width: 28 });
    assert.equal(preprocessor.do_center_crop, false);
  });

  test('parameters split as CogVLM reports them: EVA2-CLIP, the GLU adapter with boi/eoi, the language model with both experts', async () => {
    const { out, checkpoint } = exported;
    const sum = (filter: (name: string) => boolean) => [...checkpoint.tensors].filter(([name]) => filter(name)).reduce((total, [, tensor]) => total + tensor.values.length, 0);
    const adapter = (name: string) => /^model\.vision\.(linear_proj\.|boi|eoi)/.test(name);
    const counted = countParameters(await openModelFolder(out));
    assert.equal(counted.projection, sum(adapter));
    assert.equal(counted.vision, sum((name) => name.startsWith('model.vision.') && !adapter(name)));
    assert.equal(counted.language, sum((name) => !name.startsWith('model.vision.') && !name.includes('inv_freq')));
  });

  test('vision features (boi, patches without CLS, eoi) and image-prompt logits match the reference (< 1e-4)', async () => {
    const { out, checkpoint } = exported;
    const reference = new CogvlmReference(checkpoint);
    const pixels = testPixels(TINY_COGVLM.vision.imageSize, 1);
    const features = await runVision(out, pixels);
    const visionDifference = maxAbsDifference(features, reference.imageFeatures(pixels).flat());
    assert.ok(visionDifference < 1e-4, `vision features differ by ${visionDifference}`);

    const prompt = imagePrompt(reference, pixels, [40, 12, 99, 7, 5]);
    assert.deepEqual(prompt.positions, [0, 1, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8]);
    const logits = await runDecoder(out, prompt.embeds, prompt.tokenTypes, prompt.positions);
    const logitDifference = maxAbsDifference(logits, reference.logits(prompt.embeds, prompt.tokenTypes, prompt.positions).flat());
    assert.ok(logitDifference < 1e-4, `logits differ by ${logitDifference}`);
    console.log(`# cogvlm: max |Δ| vision ${visionDifference.toExponential(2)}, logits ${logitDifference.toExponential(2)}`);
  });

  test('the runner position rule is build_position_ids for every run length', () => {
    for (const run of [1, 2, 3, 4, 7]) {
      const types = [0, 0, ...new Array<number>(run).fill(1), 0, 0];
      const shares = sharedImagePositions(types);
      let next = 0;
      const positions = types.map((_, index) => (shares[index] === 1 ? next - 1 : next++));
      assert.deepEqual(positions, buildPositionIds(types), `run of ${run}`);
    }
  });
});

describe('CogVLM visual expert routing', () => {
  const logitsOf = async (out: string, embeds: number[][], tokenTypes: number[]) => runDecoder(out, embeds, tokenTypes, buildPositionIds(tokenTypes));
  const rows = (values: Float32Array, from: number, to: number) => Array.from(values.subarray(from * values.length / 8, to * values.length / 8));
  let base: { checkpoint: TinyCogvlm; out: string };
  let visionChanged: { out: string };
  let languageChanged: { out: string };
  let reference: CogvlmReference;
  let textEmbeds: number[][];
  let imageEmbeds: number[][];
  before(async () => {
    [base, visionChanged, languageChanged] = await Promise.all([exportTiny(), exportTiny({ scale: { vision_expert: 1.5, vision_mlp: 0.5 } }), exportTiny({ scale: { language_expert: 1.5, language_mlp: 0.5 } })]);
    reference = new CogvlmReference(base.checkpoint);
    textEmbeds = reference.embed([1, 40, 12, 99, 7, 5, 30, 31]);
    imageEmbeds = reference.imageFeatures(testPixels(TINY_COGVLM.vision.imageSize, 2)).concat(reference.embed([40, 12]));
  });

  test('a text-only prompt ignores the vision expert entirely and depends on the language expert', async () => {
    const types = new Array<number>(8).fill(0);
    const original = await logitsOf(base.out, textEmbeds, types);
    assert.deepEqual(await logitsOf(visionChanged.out, textEmbeds, types), original);
    assert.ok(maxAbsDifference(await logitsOf(languageChanged.out, textEmbeds, types), Array.from(original)) > 1e-2);
  });

  test('image tokens before the last (eoi) use the vision expert only; eoi and text use the language expert', async () => {
    // Six image tokens then two text tokens: positions 0–4 are vision-expert tokens that see only image tokens.
    const types = [1, 1, 1, 1, 1, 1, 0, 0];
    const original = await logitsOf(base.out, imageEmbeds, types);
    const withVision = await logitsOf(visionChanged.out, imageEmbeds, types);
    const withLanguage = await logitsOf(languageChanged.out, imageEmbeds, types);
    for (let position = 0; position < 5; position++) {
      assert.ok(maxAbsDifference(rows(withVision, position, position + 1), rows(original, position, position + 1)) > 1e-2, `position ${position} should follow the vision expert`);
    }
    assert.deepEqual(rows(withLanguage, 0, 5), rows(original, 0, 5));
    assert.ok(maxAbsDifference(rows(withLanguage, 5, 6), rows(original, 5, 6)) > 1e-2, 'eoi (the last image token) should use the language expert');
  });
});
