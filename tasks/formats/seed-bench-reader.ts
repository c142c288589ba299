import { z } from 'zod';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';
import { SEED_BENCH_PARQUET_FILES } from '../parquet/snapshot-files.js';
import { questionWithOptions } from '../prompts/multiple-choice.js';
import type { ParquetTaskLayout } from './parquet-layout.js';
import { isImageDimension, readSeedBenchImageQuestions, SEED_BENCH_DIMENSIONS, type SeedBenchQuestion } from './seed-bench-json.js';
import { openSingleFileSplit } from './split-files.js';

// SEED-Bench's loads (tasks/seed-bench.ts), imported by the task's first load: SEED-Bench.json, or the hub's rows.

/** A split of the official file, as tasks/seed-bench.ts lists them. */
export interface SeedBenchSplit {
  name: string;
  file: string;
}

async function* questions(splits: readonly SeedBenchSplit[], options: LoadOptions): AsyncGenerator<SeedBenchQuestion> {
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
    splits: SEED_BENCH_PARQUET_FILES,
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

/** The hub's rows, the options listed after the question (answered by generation). */
export const withOptionsHubLayout = hubLayout((row, choices) => questionWithOptions(row.question, choices));

/** The hub's rows, the bare question (answered by likelihood). */
export const bareQuestionsHubLayout = hubLayout((row) => row.question);

/** The questions with their options listed (answered by generation). */
export async function* loadWithOptions(splits: readonly SeedBenchSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  for await (const entry of questions(splits, options)) yield { ...sampleOf(entry, questionWithOptions(entry.question, entry.choices)), media: [entry.image] };
}

/** The bare questions (answered by likelihood, the options scored as continuations). */
export async function* loadBareQuestions(splits: readonly SeedBenchSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  for await (const entry of questions(splits, options)) yield { ...sampleOf(entry, entry.question), media: [entry.image] };
}
