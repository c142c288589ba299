import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LoglikRequest, Runner } from '../../../core/contracts/runner.js';
import type { MediaFile, MediaRef } from '../../../core/contracts/task.js';
import { DecodingState } from '../../../runners/onnx/decoding-state.js';
import { logSoftmax } from '../../../runners/onnx/logits-math.js';
import { createOnnxRunner } from '../../../runners/onnx/onnx-runner.js';
import { embedPrompts, embedTokens } from '../../../runners/onnx/prompt-embedding.js';
import { scoreRows, type LoglikRow } from '../../../runners/onnx/score-continuations.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import { imageRequest, loadInProcess, temporaryFolder, writeImages, type InProcessModel } from './helpers.js';

let local: InProcessModel;
let runner: Runner;
let images: MediaRef[];
const signal = () => new AbortController().signal;

before(async () => {
  images = await writeImages(temporaryFolder(), 2);
  local = await loadInProcess();
  runner = await createOnnxRunner(await ensureTinyEmu(), { batchSize: 4 });
});
after(async () => {
  await local?.model.release();
  await runner?.close();
});

/** The reference: teacher forcing one token per decoder step, the path greedy search takes. */
async function stepByStep(row: LoglikRow, continuation: number[]): Promise<number> {
  const { context, model } = local;
  const state = new DecodingState(model, 1);
  const prompt = await embedPrompts(model, [row], context.imageTokenId, context.padTokenId, context.geometry);
  let logits = await state.step(prompt.embeds, prompt.mask, 1, prompt.imageTokens);
  let sum = 0;
  for (const token of continuation) {
    sum += logSoftmax(logits.values, 0, logits.vocabularySize)[token];
    logits = await state.step(await embedTokens(model, [token], 1, 1), new Uint8Array([1]), 1);
  }
  return sum;
}

function loglikRequest(image: MediaRef | undefined, question: string, continuations: string[], system?: string): LoglikRequest {
  const { parts } = imageRequest(image, question);
  return { sampleId: question, parts, continuations, ...(system !== undefined ? { system } : {}) };
}

describe('scoring continuations on tiny-emu', () => {
  test('one batched pass equals teacher forcing token by token, for continuations of different lengths', async () => {
    const [generation] = await local.rows([imageRequest(images[0], 'is it hateful?')]);
    const continuations = [local.tokenizer.encode('yes', false), local.tokenizer.encode('no', false), local.tokenizer.encode('a red double-decker bus', false)];
    assert.ok(continuations[2].length >= 4, 'the long continuation spans several tokens');
    const [other] = await local.rows([imageRequest(images[1], 'a longer question so that the two prompts need left padding?')]);
    const rows: LoglikRow[] = [
      { inputIds: generation.inputIds, pixelValues: generation.pixelValues, imageCount: generation.imageCount, continuations },
      { inputIds: other.inputIds, pixelValues: other.pixelValues, imageCount: other.imageCount, continuations: [continuations[2], continuations[0]] },
    ];
    const scored = await scoreRows(local.context, rows);
    for (const [rowIndex, row] of rows.entries()) {
      assert.deepEqual(scored[rowIndex].tokens, row.continuations.map((ids) => ids.length));
      for (const [index, ids] of row.continuations.entries()) {
        const expected = await stepByStep(row, ids);
        assert.ok(Math.abs(scored[rowIndex].logprobs[index] - expected) < 1e-4, `row ${rowIndex} continuation ${index}: ${scored[rowIndex].logprobs[index]} vs ${expected}`);
        assert.ok(scored[rowIndex].logprobs[index] < 0);
      }
    }
  });

  test('the runner scores batches in its workers like the in-process scorer, chat template included', async () => {
    const requests = [
      loglikRequest(images[0], 'is it hateful?', ['yes', 'no']),
      loglikRequest(images[1], 'is it hateful?', ['no', 'yes', 'maybe not'], 'You are a helpful assistant.'),
      loglikRequest(undefined, 'text only?', ['yes']),
    ];
    const outputs = await runner.scoreContinuations!(requests, signal());
    for (const [index, request] of requests.entries()) {
      const [row] = await local.rows([{ sampleId: request.sampleId, parts: request.parts, ...(request.system ? { system: request.system } : {}), maxNewTokens: 0, numBeams: 1, stop: [] }]);
      const continuations = request.continuations.map((text) => local.tokenizer.encode(text, false));
      const [expected] = await scoreRows(local.context, [{ ...row, continuations }]);
      assert.equal(outputs[index].error, undefined);
      assert.deepEqual(outputs[index].tokens, expected.tokens);
      outputs[index].logprobs.forEach((value, position) => assert.ok(Math.abs(value - expected.logprobs[position]) < 1e-4));
      assert.ok(outputs[index].latencyMs > 0);
    }
  });

  test('a bad request is that request\'s error; the batch goes on', async () => {
    const outputs = await runner.scoreContinuations!(
      [
        loglikRequest(images[0], 'fine?', ['yes']),
        loglikRequest(images[0], 'empty?', ['']),
        loglikRequest({ ...(images[0] as MediaFile), path: (images[0] as MediaFile).path + '.missing' }, 'missing?', ['yes']),
        loglikRequest(images[0], 'none?', []),
      ],
      signal(),
    );
    assert.equal(outputs[0].error, undefined);
    assert.match(outputs[1].error ?? '', /continuation "" has no tokens/);
    assert.match(outputs[2].error ?? '', /missing/);
    assert.match(outputs[3].error ?? '', /no continuations/);
    for (const output of outputs.slice(1)) assert.deepEqual(output.logprobs, []);
  });
});
