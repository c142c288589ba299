import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateRows } from '../../../runners/onnx/generate.js';
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
