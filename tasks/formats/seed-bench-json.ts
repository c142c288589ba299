import { z } from 'zod';
import { imageInside } from './image-path.js';
import { FirstOccurrences, type ProblemSink } from './problem-sink.js';
import { streamValidated } from './validated-stream.js';
import type { MediaRef } from '../../core/contracts/task.js';

// SEED-Bench (v1) as AILab-CVC distributes it: SEED-Bench.json, `{questions: [...], question_type:
// {name: id}}`, with the CC3M images of evaluation dimensions 1–9 in SEED-Bench-image/<data_id>
// (data_id includes the extension). Dimensions 10–12 are video questions (Something-Something v2,
// EPIC-KITCHENS, Breakfast) that emu-eval's seed-bench task leaves out, as eval.py's `--task image` does.

/** SEED-Bench's evaluation dimensions (the `question_type` map of SEED-Bench.json), by question_type_id. */
export const SEED_BENCH_DIMENSIONS: Readonly<Record<number, string>> = {
  1: 'Scene Understanding',
  2: 'Instance Identity',
  3: 'Instance Location',
  4: 'Instance Attributes',
  5: 'Instances Counting',
  6: 'Spatial Relation',
  7: 'Instance Interaction',
  8: 'Visual Reasoning',
  9: 'Text Understanding',
  10: 'Action Recognition',
  11: 'Action Prediction',
  12: 'Procedure Understanding',
};

/** eval.py's `filter_questions(data, 'image')`: question_type_id 1 to 9. */
export function isImageDimension(questionTypeId: number): boolean {
  return questionTypeId >= 1 && questionTypeId <= 9;
}

export const SEED_BENCH_IMAGE_FOLDER = 'SEED-Bench-image';

// Loose: releases added fields (segment for video, level, subpart ... in SEED-Bench-2) that do not change
// how a v1 image question is asked or scored.
const questionSchema = z.looseObject({
  answer: z.enum(['A', 'B', 'C', 'D']),
  choice_a: z.string(),
  choice_b: z.string(),
  choice_c: z.string(),
  choice_d: z.string(),
  data_id: z.string().min(1),
  data_type: z.string(),
  question: z.string(),
  question_id: z.union([z.string().min(1), z.int()]),
  question_type_id: z.int().min(1).max(12),
});

export interface SeedBenchQuestion {
  questionId: string;
  question: string;
  /** A–D → choice text. */
  choices: Record<'A' | 'B' | 'C' | 'D', string>;
  answer: 'A' | 'B' | 'C' | 'D';
  dimensionId: number;
  dimension: string;
  dataId: string;
  image: MediaRef;
}

/** The image-dimension questions of SEED-Bench.json, in file order; problems go to the sink and skip the question. */
export async function* readSeedBenchImageQuestions(file: string, dataDir: string, sink: ProblemSink): AsyncGenerator<SeedBenchQuestion> {
  const occurrences = new FirstOccurrences<string>();
  for await (const { value: entry, index, path: entryPath } of streamValidated(file, { kind: 'array-under-key', key: 'questions' }, questionSchema, sink)) {
    if (!isImageDimension(entry.question_type_id)) continue;
    if (entry.data_type !== 'image') {
      sink.report({ file, field: `${entryPath}.data_type`, message: `dimension ${entry.question_type_id} is an image dimension, but data_type is ${JSON.stringify(entry.data_type)}` });
      continue;
    }
    const questionId = String(entry.question_id);
    const earlier = occurrences.claim(questionId, index);
    if (earlier !== undefined) {
      sink.report({ file, field: `${entryPath}.question_id`, message: `duplicate question_id ${JSON.stringify(questionId)}, already used by questions[${earlier}]` });
      continue;
    }
    const image = imageInside(sink, dataDir, SEED_BENCH_IMAGE_FOLDER, entry.data_id, { file, field: `${entryPath}.data_id` });
    if (!image) continue;
    yield {
      questionId,
      question: entry.question,
      choices: { A: entry.choice_a, B: entry.choice_b, C: entry.choice_c, D: entry.choice_d },
      answer: entry.answer,
      dimensionId: entry.question_type_id,
      dimension: SEED_BENCH_DIMENSIONS[entry.question_type_id]!,
      dataId: entry.data_id,
      image,
    };
  }
}
