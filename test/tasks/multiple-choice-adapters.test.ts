import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answeredBy } from '../../evals/plan.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { presetForTask, presets } from '../../tasks/prompts/presets.js';
import { buildRequest } from '../../tasks/prompts/build-request.js';
import type { Sample, TaskAdapter } from '../../core/contracts/task.js';
import { loadAll } from './dataset-folders.js';

const INSTRUCTION = "Answer with the option's letter from the given choices directly.";

function promptText(task: TaskAdapter, sample: Sample, preset: keyof typeof presets): string {
  const request = buildRequest(sample, presetForTask(presets[preset], task), { maxNewTokens: 10, numBeams: 1 });
  return request.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

describe('seed-bench adapter', () => {
  const task = getTask('seed-bench');

  it('asks LLaVA-1.5 style by generation and reads the letter with can_infer', async () => {
    const [sample] = await loadAll(task, { dataDir: bundledDataDir(task), split: 'test' });
    const choices = sample!.meta.choices as Record<string, string>;
    assert.equal(promptText(task, sample!, 'llava'), `${sample!.question}\n${INSTRUCTION}`);
    assert.ok(sample!.question.endsWith(`\nA. ${choices.A}\nB. ${choices.B}\nC. ${choices.C}\nD. ${choices.D}`));
    assert.equal(sample!.media[0]!.kind, 'image');
    const extract = task.parseAnswer!;
    assert.equal(extract('(B)', sample!), 'B');
    assert.equal(extract(`It is ${choices.C}`, sample!), 'C');
    assert.equal(extract('no idea', sample!), '');
    // Flamingo's preset keeps its own template.
    assert.equal(promptText(task, sample!, 'flamingo'), `Question:${sample!.question} Short answer:`);
  });

  it('by likelihood: the bare question in eval.py\'s prompt, the four option texts as continuations', async () => {
    const likelihood = answeredBy(task, 'likelihood');
    const [sample] = await loadAll(likelihood, { dataDir: bundledDataDir(task), split: 'test' });
    assert.ok(!sample!.question.includes('\nA. '));
    for (const preset of ['emu2', 'emu2-chat', 'llava', 'flamingo'] as const) assert.equal(promptText(likelihood, sample!, preset), `Question: ${sample!.question}\nAnswer:`);
    assert.equal(likelihood.request?.kind, 'loglik');
    if (likelihood.request?.kind !== 'loglik') return;
    const choices = sample!.meta.choices as Record<string, string>;
    assert.deepEqual(likelihood.request.continuations(sample!), [` ${choices.A}`, ` ${choices.B}`, ` ${choices.C}`, ` ${choices.D}`]);
    assert.equal(likelihood.request.predict({ continuations: [], logprobs: [-3, -1, -2, -9], tokens: [1, 1, 1, 1] }, sample!), 'B');
    assert.equal(answeredBy(task, 'generation'), task);
  });
});

describe('mmbench adapter', () => {
  const task = getTask('mmbench');

  for (const split of task.splits) {
    it(`loads split ${split.name}: one pass per row, images as bytes, answers only where the split has them`, async () => {
      const samples = await loadAll(task, { dataDir: bundledDataDir(task), split: split.name });
      assert.ok(samples.length > 0);
      assert.equal(new Set(samples.map((sample) => sample.id)).size, samples.length);
      for (const sample of samples) {
        assert.equal(sample.answers.length, split.hasAnswers ? 1 : 0, sample.id);
        assert.equal(sample.media.length, 1);
        assert.equal(sample.media[0]!.source, 'bytes');
        assert.equal(sample.meta.circularGroup, Number(sample.id) % 1_000_000);
      }
      // Passes of one question are together, in index order.
      const groups = samples.map((sample) => sample.meta.circularGroup as number);
      const seen = new Set<number>();
      groups.forEach((group, position) => {
        if (position > 0 && groups[position - 1] !== group) assert.ok(!seen.has(group), `question ${group} comes back after another`);
        seen.add(group);
      });
    });
  }

  it('puts the hint first and the options after the question (LLaVA-1.5, model_vqa_mmbench.py)', async () => {
    const samples = await loadAll(task, { dataDir: bundledDataDir(task), split: 'dev' });
    const withHint = samples.find((sample) => sample.question.startsWith('Look at the flat coloured shapes.\n\nIgnore the background.\n'))!;
    assert.ok(withHint);
    assert.match(promptText(task, withHint, 'emu2-chat'), /\nA\. [^\n]+\nB\. [^\n]+(\nC\. [^\n]+)?(\nD\. [^\n]+)?\nAnswer with the option's letter from the given choices directly\.$/);
  });
});
