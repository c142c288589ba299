import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { beamSearch } from '../../../runners/onnx/beam-search.js';
import { DecodingState } from '../../../runners/onnx/decoding-state.js';
import { generateRows } from '../../../runners/onnx/generate.js';
import type { GenerationContext, GenerationRow } from '../../../runners/onnx/generation-types.js';
import { greedySearch } from '../../../runners/onnx/greedy-search.js';
import { argmax } from '../../../runners/onnx/logits-math.js';
import { embedPrompts, embedTokens } from '../../../runners/onnx/prompt-embedding.js';
import { buildDecoder } from '../../../runners/onnx/tiny-emu/decoder-graph.js';
import { TINY_EMU_DIMENSIONS } from '../../../runners/onnx/tiny-emu/dimensions.js';
import type { MediaRef } from '../../../core/contracts/task.js';
import { imageRequest, loadInProcess, temporaryFolder, writeImages, type InProcessModel } from './helpers.js';

let tiny: InProcessModel;
let images: MediaRef[];

before(async () => {
  tiny = await loadInProcess();
  images = await writeImages(temporaryFolder(), 4);
});
after(async () => {
  await tiny.model.release();
});

const questions = ['what color is the car?', 'how many dogs are there in the park near the water?', 'is it raining?', 'what is the woman holding in her left hand today?'];

async function requestRows(maxNewTokens = 10, numBeams = 1): Promise<GenerationRow[]> {
  return tiny.rows(questions.map((question, index) => imageRequest(images[index], question, { maxNewTokens, numBeams })));
}

describe('decoding with the KV cache', () => {
  test('cached and uncached decoding give the same logits (1e-4) and tokens', async () => {
    const [row] = await tiny.rows([imageRequest(images[0], questions[0])]);
    const { context } = tiny;
    const steps = 8;

    const cached = new DecodingState(tiny.model, 1);
    const prompt = await embedPrompts(tiny.model, [row], context.imageTokenId, context.padTokenId, context.geometry);
    let logits = await cached.step(prompt.embeds, prompt.mask, 1);
    const cachedLogits: Float32Array[] = [];
    const tokens: number[] = [];
    for (let step = 0; step < steps; step++) {
      cachedLogits.push(logits.values.slice());
      const token = argmax(logits.values, 0, logits.vocabularySize);
      tokens.push(token);
      logits = await cached.step(await embedTokens(tiny.model, [token], 1, 1), Uint8Array.of(1), 1);
    }

    for (let step = 0; step < steps; step++) {
      const fresh = new DecodingState(tiny.model, 1);
      const sequence = { ...row, inputIds: [...row.inputIds, ...tokens.slice(0, step)] };
      const full = await embedPrompts(tiny.model, [sequence], context.imageTokenId, context.padTokenId, context.geometry);
      const uncached = await fresh.step(full.embeds, full.mask, 1);
      let largest = 0;
      for (let index = 0; index < uncached.values.length; index++) largest = Math.max(largest, Math.abs(uncached.values[index] - cachedLogits[step][index]));
      assert.ok(largest <= 1e-4, `step ${step}: logits differ by ${largest}`);
      assert.equal(argmax(uncached.values, 0, uncached.vocabularySize), tokens[step], `step ${step}: token differs`);
    }

    const [greedy] = await greedySearch(context, [{ ...row, maxNewTokens: steps }]);
    assert.deepEqual(greedy.tokenIds, tokens);
  });

  test('all positions of one uncached pass match the cached steps', async () => {
    const [row] = await tiny.rows([imageRequest(images[1], questions[1])]);
    const { context } = tiny;
    const [greedy] = await greedySearch(context, [{ ...row, maxNewTokens: 5 }]);
    const state = new DecodingState(tiny.model, 1);
    const sequence = { ...row, inputIds: [...row.inputIds, ...greedy.tokenIds.slice(0, -1)] };
    const full = await embedPrompts(tiny.model, [sequence], context.imageTokenId, context.padTokenId, context.geometry);
    const all = await state.step(full.embeds, full.mask, 0);
    assert.equal(all.positions, sequence.inputIds.length);
    const predicted = greedy.tokenIds.map((_, index) => argmax(all.values, (row.inputIds.length - 1 + index) * all.vocabularySize, all.vocabularySize));
    assert.deepEqual(predicted, greedy.tokenIds);
  });
});

describe('batched generation', () => {
  test('a batch of N gives the same greedy outputs as N single runs (left padding)', async () => {
    const rows = await requestRows(12);
    assert.ok(new Set(rows.map((row) => row.inputIds.length)).size > 1, 'the prompts should need padding');
    const batched = await generateRows(tiny.context, rows);
    for (const [index, row] of rows.entries()) {
      const [single] = await generateRows(tiny.context, [row]);
      assert.deepEqual(batched[index].tokenIds, single.tokenIds, `row ${index}`);
      assert.equal(batched[index].text, single.text);
    }
  });

  test('random weights still produce varied tokens, deterministically', async () => {
    const rows = await requestRows(16);
    const first = await generateRows(tiny.context, rows);
    const second = await generateRows(tiny.context, rows);
    assert.deepEqual(first, second);
    for (const result of first) {
      assert.equal(result.finishReason, 'length');
      assert.equal(result.tokenIds.length, 16);
      assert.ok(new Set(result.tokenIds).size >= 4, `tokens ${result.tokenIds} are nearly constant`);
    }
  });

  test('answers depend on the image and on the question', async () => {
    const sameQuestion = await tiny.rows(images.map((image) => imageRequest(image, questions[0])));
    const byImage = await generateRows(tiny.context, sameQuestion);
    assert.ok(new Set(byImage.map((result) => result.text)).size >= 3, 'different images should change the answer');
    const sameImage = await tiny.rows(questions.map((question) => imageRequest(images[0], question)));
    const byQuestion = await generateRows(tiny.context, sameImage);
    assert.ok(new Set(byQuestion.map((result) => result.text)).size >= 3, 'different questions should change the answer');
  });

  test('rows stop independently: EOS and stop strings end one row, the others go on', async () => {
    const rows = await requestRows(12);
    const baseline = await generateRows(tiny.context, rows);
    // An EOS id that row 0 generates and row 1 never does, so each row meets only its own stop.
    const eosToken = baseline[0].tokenIds.slice(2).find((token) => !baseline[1].tokenIds.includes(token));
    assert.ok(eosToken !== undefined);
    const withEos: GenerationContext = { ...tiny.context, eosTokenIds: new Set([eosToken]) };
    const stopText = tiny.tokenizer.decode(baseline[1].tokenIds.slice(4, 6));
    assert.ok(stopText.length > 0);
    const stopRows = rows.map((row, index) => (index === 1 ? { ...row, stop: [stopText] } : row));
    const results = await generateRows(withEos, stopRows);

    const eosIndex = baseline[0].tokenIds.indexOf(eosToken);
    assert.deepEqual(results[0].tokenIds, baseline[0].tokenIds.slice(0, eosIndex + 1));
    assert.equal(results[0].finishReason, 'stop');
    assert.equal(results[0].text, tiny.tokenizer.decode(baseline[0].tokenIds.slice(0, eosIndex)));

    assert.equal(results[1].finishReason, 'stop');
    assert.ok(results[1].tokenIds.length <= 6);
    assert.equal(results[1].text, baseline[1].text.slice(0, baseline[1].text.indexOf(stopText)));
    assert.ok(!results[1].text.includes(stopText));

    for (const index of [2, 3]) {
      if (baseline[index].tokenIds.includes(eosToken)) continue;
      assert.deepEqual(results[index], baseline[index]);
    }
  });

  test('a row whose image count does not match its placeholders fails alone', async () => {
    const rows = await requestRows(4);
    const broken = { ...rows[1], imageCount: 2, pixelValues: new Float32Array(rows[1].pixelValues!.length * 2) };
    const results = await generateRows(tiny.context, [rows[0], broken, rows[2]]);
    assert.equal(results[1].finishReason, 'error');
    assert.match(results[1].error ?? '', /64 image-token positions but its 2 image\(s\) fill 128/);
    const alone = await generateRows(tiny.context, [rows[0], rows[2]]);
    assert.deepEqual([results[0], results[2]], alone);
  });

  test('a text-only prompt needs no vision encoder call', async () => {
    const rows = await tiny.rows([imageRequest(undefined, 'what is the capital of France?')]);
    const [result] = await generateRows(tiny.context, rows);
    assert.equal(result.tokenIds.length, 8);
  });
});

describe('beam search', () => {
  test('beam search with one beam equals greedy', async () => {
    const rows = await requestRows(10);
    const greedy = await greedySearch(tiny.context, rows);
    const oneBeam = await beamSearch(tiny.context, rows, 1);
    assert.deepEqual(oneBeam, greedy);
    // …also when an EOS ends rows early.
    const withEos: GenerationContext = { ...tiny.context, eosTokenIds: new Set([greedy[0].tokenIds[2], greedy[2].tokenIds[5]]) };
    assert.deepEqual(await beamSearch(withEos, rows, 1), await greedySearch(withEos, rows));
  });

  test('batched beam search equals single runs and is deterministic', async () => {
    const rows = await requestRows(6, 3);
    const batched = await generateRows(tiny.context, rows);
    for (const [index, row] of rows.entries()) assert.deepEqual((await generateRows(tiny.context, [row]))[0], batched[index]);
    assert.deepEqual(await generateRows(tiny.context, rows), batched);
    for (const result of batched) assert.equal(result.tokenIds.length, 6);
  });

  test('beam search finds a sequence at least as likely as greedy', async () => {
    const rows = await requestRows(5);
    const logLikelihood = async (row: GenerationRow, tokens: number[]) => {
      const state = new DecodingState(tiny.model, 1);
      const sequence = { ...row, inputIds: [...row.inputIds, ...tokens.slice(0, -1)] };
      const full = await embedPrompts(tiny.model, [sequence], tiny.context.imageTokenId, tiny.context.padTokenId, tiny.context.geometry);
      const logits = await state.step(full.embeds, full.mask, tokens.length);
      let total = 0;
      tokens.forEach((token, index) => {
        const offset = index * logits.vocabularySize;
        const row = logits.values.subarray(offset, offset + logits.vocabularySize);
        const maximum = Math.max(...row);
        const normalizer = maximum + Math.log(row.reduce((sum, value) => sum + Math.exp(value - maximum), 0));
        total += row[token] - normalizer;
      });
      return total;
    };
    const greedy = await greedySearch(tiny.context, rows);
    const beams = await beamSearch(tiny.context, rows, 4);
    for (const [index, row] of rows.entries()) {
      assert.ok((await logLikelihood(row, beams[index].tokenIds)) >= (await logLikelihood(row, greedy[index].tokenIds)) - 1e-4);
    }
  });
});

describe('decoder variants', () => {
  test('a decoder without num_logits_to_keep (logits for every position) generates the same tokens', async () => {
    const copy = path.join(temporaryFolder(), 'model');
    cpSync(tiny.folder.directory, copy, { recursive: true });
    const legacy = buildDecoder(TINY_EMU_DIMENSIONS.tiny, tiny.folder.settings.vocabSize!, { logitsToKeepInput: false }).serialize(17, 'decoder_model_merged.onnx_data');
    writeFileSync(path.join(copy, 'onnx', 'decoder_model_merged.onnx'), legacy.model);
    writeFileSync(path.join(copy, 'onnx', 'decoder_model_merged.onnx_data'), legacy.externalData!);
    const other = await loadInProcess(copy);
    try {
      assert.equal(other.model.signature.decoder.logitsToKeepName, undefined);
      const rows = await requestRows(6);
      assert.deepEqual(await generateRows(other.context, rows), await generateRows(tiny.context, rows));
      assert.deepEqual(await generateRows(other.context, await requestRows(4, 2)), await generateRows(tiny.context, await requestRows(4, 2)));
    } finally {
      await other.model.release();
    }
  });
});
