import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { parseOnnxOptions } from '../../../runners/onnx/backend.js';
import { generateRows } from '../../../runners/onnx/generate.js';
import { createOnnxRunner } from '../../../runners/onnx/onnx-runner.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import type { GeneratedRow, GenerationContext, GenerationRow } from '../../../runners/onnx/generation-types.js';
import type { MediaRef } from '../../../core/contracts/task.js';
import { imageRequest, loadInProcess, temporaryFolder, writeImages, type InProcessModel } from './helpers.js';

let step: InProcessModel;
let graph: InProcessModel;
let images: MediaRef[];

before(async () => {
  [step, graph] = await Promise.all([loadInProcess(undefined, 'step'), loadInProcess(undefined, 'graph')]);
  images = await writeImages(temporaryFolder(), 3);
});
after(async () => {
  await Promise.all([step.model.release(), graph.model.release()]);
});

// Prompts of different lengths, so the batch is left-padded.
const questions = ['what color is the car?', 'how many dogs are there in the park near the water today?', 'is it raining?'];

async function rows(overrides: { maxNewTokens?: number; numBeams?: number; stop?: string[] } = {}): Promise<GenerationRow[]> {
  return step.rows(questions.map((question, index) => imageRequest(images[index], question, { maxNewTokens: 12, numBeams: 1, ...overrides })));
}

async function both(batch: GenerationRow[], context: Partial<GenerationContext> = {}): Promise<{ stepped: GeneratedRow[]; looped: GeneratedRow[] }> {
  const stepped = await generateRows({ ...step.context, ...context }, batch);
  const looped = await generateRows({ ...graph.context, ...context, model: graph.model }, batch);
  return { stepped, looped };
}

describe('decode loop: step loop and in-graph loop agree on CPU', () => {
  test('the graph route loads one session for the whole search and no step decoder', () => {
    assert.ok(graph.model.decodeLoop);
    assert.equal(graph.model.decoder, undefined);
  });

  test('greedy, a left-padded batch of 3', async () => {
    const { stepped, looped } = await both(await rows());
    assert.deepEqual(looped, stepped);
  });

  test('beam search with 3 beams, a left-padded batch of 3', async () => {
    const { stepped, looped } = await both(await rows({ numBeams: 3 }));
    assert.deepEqual(looped, stepped);
  });
});

describe('decode loop: stopping rules', () => {
  test('EOS ids, per-row max_new_tokens (1 included) and a stop string give the same rows', async () => {
    const batch = await rows();
    const { stepped: plain } = await both(batch);
    // EOS ids the model really produces mid-answer: row 0's 3rd token and row 2's 5th.
    const eosTokenIds = new Set([plain[0].tokenIds[2], plain[2].tokenIds[4]]);
    const text = plain[1].text;
    const stop = text.slice(Math.floor(text.length / 2), Math.floor(text.length / 2) + 2);
    assert.ok(stop.length === 2, `row 1's answer is long enough to hold a stop string: ${JSON.stringify(text)}`);
    const limited = batch.map((row, index) => ({ ...row, maxNewTokens: [12, 9, 1][index], stop: index === 1 ? [stop] : [] }));
    const { stepped, looped } = await both(limited, { eosTokenIds });
    assert.deepEqual(looped, stepped);
    assert.deepEqual(
      stepped.map((row) => row.finishReason),
      ['stop', 'stop', 'length'],
    );
  });

  test('every row at max_new_tokens 1: the Loop runs no iteration', async () => {
    const { stepped, looped } = await both((await rows()).map((row) => ({ ...row, maxNewTokens: 1 })));
    assert.deepEqual(looped, stepped);
    assert.ok(looped.every((row) => row.tokenIds.length === 1));
  });

  test('beam search: EOS hypotheses, length penalty and each early_stopping mode', async () => {
    const batch = await rows({ numBeams: 3, maxNewTokens: 8 });
    const { stepped: plain } = await both(batch);
    const eosTokenIds = new Set([plain[0].tokenIds[1], plain[1].tokenIds[2]]);
    const lengths = new Set<number>();
    const reasons = new Set<string>();
    for (const earlyStopping of [false, true, 'never'] as const) {
      for (const lengthPenalty of [1, 0, 2]) {
        const { stepped, looped } = await both(batch, { eosTokenIds, earlyStopping, lengthPenalty });
        assert.deepEqual(looped, stepped, `early_stopping ${earlyStopping}, length_penalty ${lengthPenalty}`);
        for (const row of stepped) {
          lengths.add(row.tokenIds.length);
          reasons.add(row.finishReason);
        }
      }
    }
    assert.ok(lengths.size > 2, `answers of several lengths: ${[...lengths].join(', ')}`);
    assert.deepEqual([...reasons].sort(), ['length', 'stop']);
  });

  test('beam search with a stop string: cut from the chosen hypothesis after decoding', async () => {
    const batch = await rows({ numBeams: 3, maxNewTokens: 8 });
    const { looped: plain } = await both(batch);
    const stop = plain[0].text.slice(2, 4);
    const { looped } = await both(batch.map((row) => ({ ...row, stop: [stop] })));
    assert.equal(looped[0].finishReason, 'stop');
    assert.equal(looped[0].text, plain[0].text.slice(0, plain[0].text.indexOf(stop)));
    assert.ok(looped[0].tokenIds.length < plain[0].tokenIds.length);
  });
});

describe('--decode-loop', () => {
  test('parses step | graph; only graph is recorded (it can change beam answers with stop strings)', () => {
    assert.deepEqual(parseOnnxOptions({ 'decode-loop': 'graph' }), { decodeLoop: 'graph' });
    assert.deepEqual(parseOnnxOptions({ 'decode-loop': 'step' }), {});
    assert.throws(() => parseOnnxOptions({ 'decode-loop': 'loop' }), (error: Error) => error instanceof ConfigError && /--decode-loop/.test(error.message));
  });

  test('the runner (worker thread) answers the same with either loop', async () => {
    const requests = questions.map((question, index) => imageRequest(images[index], question, { maxNewTokens: 6, numBeams: index === 2 ? 2 : 1 }));
    const answers = [];
    for (const decodeLoop of ['step', 'graph'] as const) {
      const runner = await createOnnxRunner(await ensureTinyEmu(), { decodeLoop, batchSize: 3 });
      try {
        const outputs = await runner.generate(requests, new AbortController().signal);
        answers.push(outputs.map(({ latencyMs: _latency, ...output }) => output));
      } finally {
        await runner.close();
      }
    }
    assert.deepEqual(answers[1], answers[0]);
  });

  test('a graph-loop runner still scores continuations (it opens the step decoder on first use), equal to the step runner', async () => {
    const requests = questions.map((question, index) => ({ sampleId: `s${index}`, parts: imageRequest(images[index], question, {}).parts, continuations: ['yes', 'no'] }));
    const scores = [];
    for (const decodeLoop of ['step', 'graph'] as const) {
      const runner = await createOnnxRunner(await ensureTinyEmu(), { decodeLoop, batchSize: 3 });
      try {
        const outputs = await runner.scoreContinuations!(requests, new AbortController().signal);
        scores.push(outputs.map(({ logprobs, tokens, error }) => ({ logprobs, tokens, error })));
      } finally {
        await runner.close();
      }
    }
    assert.equal(scores[1][0].error, undefined);
    assert.deepEqual(scores[1], scores[0]);
  });
});
