import { inferChoice } from '../scoring/multiple-choice/infer-choice.js';
import { mostLikelyLetter } from '../scoring/multiple-choice/likelihood-choice.js';
import { z } from 'zod';
import { isImageDimension, readSeedBenchImageQuestions, SEED_BENCH_DIMENSIONS, type SeedBenchQuestion } from './formats/seed-bench-json.js';
import { loadOfficialOrParquet, withParquetFiles, type ParquetTaskLayout } from './formats/parquet-task-layout.js';
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

/** A question as a sample, its image aside: the JSON form and the hub's rows share this. */
function sampleOf(entry: Omit<SeedBenchQuestion, 'image'>, question: string): Omit<Sample, 'media'> {
  return {
    id: entry.questionId,
    question,
    answers: [entry.answer],
    meta: { dimension: entry.dimension, dimensionId: entry.dimensionId, choices: entry.choices, dataId: entry.dataId },
  };
}

// lmms-lab/SEED-Bench on the Hugging Face hub: SEED-Bench.json's questions as rows, each with its images
// (one for image questions, the frames for video ones), read when SEED-Bench.json is absent. Video
// dimensions (10–12) are left out as from the JSON.
const hubRowSchema = z.object({
  question_id: z.union([z.string().min(1), z.int()]),
  question: z.string(),
  choice_a: z.string(),
  choice_b: z.string(),
  choice_c: z.string(),
  choice_d: z.string(),
  answer: z.enum(['A', 'B', 'C', 'D']),
  data_id: z.string().min(1),
  data_type: z.string(),
  question_type_id: z.int().min(1).max(12),
});

function hubLayout(question: (row: z.infer<typeof hubRowSchema>, choices: SeedBenchQuestion['choices']) => string): ParquetTaskLayout<z.infer<typeof hubRowSchema>> {
  return {
    taskId: 'seed-bench',
    splits: { test: { rows: 'data/test-*.parquet' } },
    columns: ['question_id', 'question', 'choice_a', 'choice_b', 'choice_c', 'choice_d', 'answer', 'data_id', 'data_type', 'question_type_id'],
    rowSchema: hubRowSchema,
    image: { columns: ['image'] },
    toSample(row, { at, sink }) {
      if (!isImageDimension(row.question_type_id)) return undefined;
      if (row.data_type !== 'image') {
        sink.report({ file: at.file, field: `${at.place}, column data_type`, message: `dimension ${row.question_type_id} is an image dimension, but data_type is ${JSON.stringify(row.data_type)}` });
        return undefined;
      }
      const choices = { A: row.choice_a, B: row.choice_b, C: row.choice_c, D: row.choice_d };
      return sampleOf(
        { questionId: String(row.question_id), question: row.question, choices, answer: row.answer, dimensionId: row.question_type_id, dimension: SEED_BENCH_DIMENSIONS[row.question_type_id]!, dataId: row.data_id },
        question(row, choices),
      );
    },
  };
}

const withOptionsLayout = hubLayout((row, choices) => questionWithOptions(row.question, choices));
const splitInfos = withParquetFiles(
  splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  withOptionsLayout,
);

async function* loadWithOptions(options: LoadOptions): AsyncGenerator<Sample> {
  for await (const entry of questions(options)) yield { ...sampleOf(entry, questionWithOptions(entry.question, entry.choices)), media: [entry.image] };
}

async function* loadBareQuestions(options: LoadOptions): AsyncGenerator<Sample> {
  for await (const entry of questions(options)) yield { ...sampleOf(entry, entry.question), media: [entry.image] };
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
  splits: splitInfos,
  defaultSplit: 'test',
  sampleFolder: 'seed-bench',
  recordMeta: ['dimension'],
  breakdowns: ['dimension'],
  // A refusal (`Z`) stays `Z`, and scores 0 like an answer nothing could be read from ('').
  parseAnswer: (output, sample) => inferChoice(output, choicesOf(sample)) || '',
  prompts: letterPrompts,
  load: loadOfficialOrParquet(withOptionsLayout, splitInfos, loadWithOptions),
  likelihood: {
    request: {
      kind: 'loglik',
      // The option texts in A–D order, each after one space (the prompt ends with `Answer:`).
      continuations: (sample) => Object.values(choicesOf(sample)).map((choice) => ` ${choice}`),
      predict: ({ logprobs }) => mostLikelyLetter(logprobs),
    },
    prompts: likelihoodPrompts,
    load: loadOfficialOrParquet(
      hubLayout((row) => row.question),
      splitInfos,
      loadBareQuestions,
    ),
  },
} satisfies TaskAdapter;
