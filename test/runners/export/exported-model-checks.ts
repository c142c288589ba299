// What every exported architecture must do inside the ONNX runner: KV-cached decoding equal to
// recomputing the whole sequence, and a batch of different-length prompts (left padding) equal to single runs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DecodingState } from '../../../runners/onnx/decoding-state.js';
import { generateRows } from '../../../runners/onnx/generate.js';
import { argmax } from '../../../runners/onnx/logits-math.js';
import { embedPrompts, embedTokens } from '../../../runners/onnx/prompt-embedding.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { imageRequest, loadInProcess, writeImages, type InProcessModel } from '../onnx/helpers.js';

export function describeExportedModelInRunner(name: string, modelFolder: () => string): void {
  describe(name, () => {
    let model: InProcessModel;
    before(async () => {
      model = await loadInProcess(modelFolder());
    });
    after(async () => {
      await model.model.release();
    });

    test('KV-cached and uncached decoding give the same logits (1e-4) and tokens', async () => {
      const images = await writeImages(temporaryFolder(), 1);
      const [row] = await model.rows([imageRequest(images[0], 'what color is the car?')]);
      const { context } = model;
      const cached = new DecodingState(model.model, 1);
      const prompt = await embedPrompts(model.model, [row], context.imageTokenId, context.padTokenId, context.geometry);
      let logits = await cached.step(prompt.embeds, prompt.mask, 1);
      const tokens: number[] = [];
      const cachedLogits: Float32Array[] = [];
      for (let step = 0; step < 5; step++) {
        cachedLogits.push(logits.values.slice());
        tokens.push(argmax(logits.values, 0, logits.vocabularySize));
        logits = await cached.step(await embedTokens(model.model, [tokens[step]], 1, 1), Uint8Array.of(1), 1);
      }
      for (let step = 0; step < 5; step++) {
        const sequence = { ...row, inputIds: [...row.inputIds, ...tokens.slice(0, step)] };
        const full = await embedPrompts(model.model, [sequence], context.imageTokenId, context.padTokenId, context.geometry);
        const uncached = await new DecodingState(model.model, 1).step(full.embeds, full.mask, 1);
        let largest = 0;
        for (let index = 0; index < uncached.values.length; index++) largest = Math.max(largest, Math.abs(uncached.values[index] - cachedLogits[step][index]));
        assert.ok(largest <= 1e-4, `step ${step}: logits differ by ${largest}`);
      }
    });

    test('a batch of prompts of different lengths gives the same greedy outputs as single runs', async () => {
      const images = await writeImages(temporaryFolder(), 3);
      const questions = ['what is it?', 'how many dogs are there in the park near the water?', 'is it raining today in the city?'];
      const rows = await model.rows(questions.map((question, index) => imageRequest(images[index], question, { maxNewTokens: 6 })));
      assert.ok(new Set(rows.map((row) => row.inputIds.length)).size > 1);
      const batched = await generateRows(model.context, rows);
      for (const [index, row] of rows.entries()) assert.deepEqual((await generateRows(model.context, [row]))[0].tokenIds, batched[index].tokenIds, `row ${index}`);
    });
  });
}
