import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportCheckpoint } from '../../../runners/export/export-checkpoint.js';
import { DecodingState } from '../../../runners/onnx/decoding-state.js';
import { embedPrompts, embedTokens } from '../../../runners/onnx/prompt-embedding.js';
import { argmax } from '../../../runners/onnx/logits-math.js';
import { getPreset } from '../../../tasks/prompts/presets.js';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { loadInProcess, writeImages, type InProcessModel } from '../onnx/helpers.js';
import { CogvlmReference } from './cogvlm-reference.js';
import { TINY_COGVLM, writeTinyCogvlm, type TinyCogvlm } from './tiny-cogvlm-checkpoint.js';

const previousCache = process.env.EMU_EVAL_CACHE;
let checkpoint: TinyCogvlm;

before(() => {
  process.env.EMU_EVAL_CACHE = temporaryFolder();
  checkpoint = writeTinyCogvlm(path.join(temporaryFolder(), 'cogvlm-chat-tiny-hf'));
});
after(() => {
  if (previousCache === undefined) delete process.env.EMU_EVAL_CACHE;
  else process.env.EMU_EVAL_CACHE = previousCache;
});

test('run vqav2 --model hf:CHECKPOINT --protocol cogvlm exports on first use and answers, recording the preset', async () => {
  const runs = temporaryFolder();
  const run = await runCli(['run', 'vqav2', '--model', `hf:${checkpoint.folder}`, '--protocol', 'cogvlm', '--limit', '2', '--out', runs, '--json', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const { runDirectory } = JSON.parse(run.stdout) as { runDirectory: string };
  const record = JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8'));
  assert.equal(record.protocol.id, 'cogvlm');
  assert.equal(record.protocol.zeroShotTemplate, 'Question: {question} Short answer:');
  const samples = readdirSync(runDirectory).filter((name) => name.endsWith('samples.jsonl'));
  const lines = readFileSync(path.join(runDirectory, samples[0]), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(lines.length, 2);
  for (const line of lines) assert.notEqual(line.finishReason ?? line.finish_reason, 'error', JSON.stringify(line));
});

test('a CogVLM checkpoint without a tokenizer is refused before export, saying where the tokenizer comes from', async () => {
  const bare = writeTinyCogvlm(path.join(temporaryFolder(), 'no-tokenizer'));
  const { rmSync } = await import('node:fs');
  rmSync(path.join(bare.folder, 'tokenizer.json'));
  await assert.rejects(exportCheckpoint(bare.folder, path.join(temporaryFolder(), 'out'), { dtype: 'fp32' }), /no tokenizer\.json.*lmsys\/vicuna-7b-v1\.5/);
});

describe('the exported CogVLM in the runner', () => {
  let model: InProcessModel;
  let reference: CogvlmReference;
  before(async () => {
    const out = path.join(temporaryFolder(), 'cogvlm-onnx');
    await exportCheckpoint(checkpoint.folder, out, { dtype: 'fp32' });
    model = await loadInProcess(out);
    reference = new CogvlmReference(checkpoint);
  });
  after(async () => {
    await model.model.release();
  });

  const cogvlmRequest = async (question: string) => {
    const [image] = await writeImages(temporaryFolder(), 1);
    const text = getPreset('cogvlm').zeroShotTemplate.replace('{question}', question);
    return { text, request: { sampleId: question, parts: [{ type: 'image' as const, source: image }, { type: 'text' as const, text }], maxNewTokens: 5, numBeams: 1, stop: [] } };
  };

  test('prompt ids, token types and positions are build_conversation_input_ids\'s: the first-step logits match the reference', async () => {
    const { text, request } = await cogvlmRequest('what color is the car?');
    const [row] = await model.rows([request]);
    const textIds = model.tokenizer.encode(text, false);
    const conversation = reference.conversation(textIds, true);
    assert.deepEqual(row.inputIds, conversation.inputIds);

    const prompt = await embedPrompts(model.model, [row], model.context.imageTokenId, model.context.padTokenId, model.context.geometry);
    const logits = await new DecodingState(model.model, 1).step(prompt.embeds, prompt.mask, 1, prompt.imageTokens);
    const embeds = reference.embed(conversation.inputIds);
    reference.imageFeatures(row.pixelValues!).forEach((features, index) => (embeds[1 + index] = features));
    const expected = reference.logits(embeds, conversation.tokenTypes, conversation.positions).at(-1)!;
    let largest = 0;
    expected.forEach((value, index) => (largest = Math.max(largest, Math.abs(value - logits.values[index]))));
    assert.ok(largest < 1e-4, `last-position logits differ by ${largest}`);
  });

  test('KV-cached and uncached decoding give the same logits (1e-4) and tokens', async () => {
    const { request } = await cogvlmRequest('how many dogs are there?');
    const [row] = await model.rows([request]);
    const { context } = model;
    const cached = new DecodingState(model.model, 1);
    const prompt = await embedPrompts(model.model, [row], context.imageTokenId, context.padTokenId, context.geometry);
    let logits = await cached.step(prompt.embeds, prompt.mask, 1, prompt.imageTokens);
    const tokens: number[] = [];
    const cachedLogits: Float32Array[] = [];
    for (let step = 0; step < 4; step++) {
      cachedLogits.push(logits.values.slice());
      tokens.push(argmax(logits.values, 0, logits.vocabularySize));
      logits = await cached.step(await embedTokens(model.model, [tokens[step]], 1, 1), Uint8Array.of(1), 1);
    }
    for (let step = 0; step < 4; step++) {
      const sequence = { ...row, inputIds: [...row.inputIds, ...tokens.slice(0, step)] };
      const full = await embedPrompts(model.model, [sequence], context.imageTokenId, context.padTokenId, context.geometry);
      const uncached = await new DecodingState(model.model, 1).step(full.embeds, full.mask, 1, full.imageTokens);
      let largest = 0;
      for (let index = 0; index < uncached.values.length; index++) largest = Math.max(largest, Math.abs(uncached.values[index] - cachedLogits[step][index]));
      assert.ok(largest <= 1e-4, `step ${step}: logits differ by ${largest}`);
    }
    assert.equal(TINY_COGVLM.imageTokens, model.context.geometry.tokensPerImage);
  });
});
