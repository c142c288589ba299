import { inferChoice } from '../scoring/multiple-choice/infer-choice.js';
import { mostLikelyLetter } from '../scoring/multiple-choice/likelihood-choice.js';
import { readSeedBenchImageQuestions, type SeedBenchQuestion } from './formats/seed-bench-json.js';
import { openSingleFileSplit } from './formats/split-files.js';
import { letterPrompts, questionWithOptions } from './prompts/multiple-choice.js';
import type { LoadOptions, Sample, SplitInfo, TaskAdapter, TaskPromptPieces } from '../core/contracts/task.js';
import { presets } from './prompts/presets.js';

// SEED-Bench (v1), image part: evaluation dimensions 1–9, four options A–D, accuracy overall and per
// dimension. Answered by generation (the option letter, LLaVA-1.5's prompt, VLMEvalKit's can_infer), or
// with --answer-by likelihood as SEED-Bench's eval.py does: the option text with the highest summed
// log-likelihood after `Question: {question}\nAnswer:` is the prediction.

const splits = [{ name: 'test', file: 'SEED-Bench.json' }] as const;

async function* questions(options: LoadOptions): AsyncGenerator<SeedBenchQuestion> {
  const opened = await openSingleFileSplit('seed-bench', splits, options);
  if (opened) yield* readSeedBenchImageQuestions(opened.file, opened.dataDir, opened.sink);
}

function sampleOf(entry: SeedBenchQuestion, question: string): Sample {
  return {
    id: entry.questionId,
    question,
    answers: [entry.answer],
    media: [entry.image],
    meta: { dimension: entry.dimension, dimensionId: entry.dimensionId, choices: entry.choices, dataId: entry.dataId },
  };
}

async function* loadWithOptions(options: LoadOptions): AsyncGenerator<Sample> {
  for await (const entry of questions(options)) yield sampleOf(entry, questionWithOptions(entry.question, entry.choices));
}

async function* loadBareQuestions(options: LoadOptions): AsyncGenerator<Sample> {
  for await (const entry of questions(options)) yield sampleOf(entry, entry.question);
}

function choicesOf(sample: Sample): Record<string, string> {
  return sample.meta.choices as Record<string, string>;
}

// eval.py's prompt (model/instruct_blip_interface.py, process_prompt), under every preset.
const likelihoodPrompts: Readonly<Record<string, TaskPromptPieces>> = Object.fromEntries(
  Object.keys(presets).map((preset) => [preset, { zeroShotTemplate: 'Question: {question}\nAnswer:' }]),
);

export const seedBench = {
  id: 'seed-bench',
  benchmark: 'SEED-Bench',
  version: 1,
  modality: 'image',
  metric: 'choice_accuracy',
  evaluator: 'seed-bench-eval',
  description: 'SEED-Bench image part (dimensions 1–9): multiple choice A–D; by generation, or --answer-by likelihood',
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  defaultSplit: 'test',
  sampleFolder: 'seed-bench',
  recordMeta: ['dimension'],
  breakdowns: ['dimension'],
  // A refusal (`Z`) stays `Z`, and scores 0 like an answer nothing could be read from ('').
  parseAnswer: (output, sample) => inferChoice(output, choicesOf(sample)) || '',
  prompts: letterPrompts,
  load: loadWithOptions,
  likelihood: {
    request: {
      kind: 'loglik',
      // The option texts in A–D order, each after one space (the prompt ends with `Answer:`).
      continuations: (sample) => Object.values(choicesOf(sample)).map((choice) => ` ${choice}`),
      predict: ({ logprobs }) => mostLikelyLetter(logprobs),
    },
    prompts: likelihoodPrompts,
    load: loadBareQuestions,
  },
} satisfies TaskAdapter;
