import { z } from 'zod';
import { imageInside } from './image-path.js';
import { FirstOccurrences } from './problem-sink.js';
import { openSingleFileSplit } from './split-files.js';
import { streamValidated } from './validated-stream.js';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';

// The official files' reader of tasks/vizwiz.ts, imported by its first load.

/** A split of the official files, as tasks/vizwiz.ts lists them. */
export interface VizWizSplit { name: string; file: string; imageFolder: string; hasAnswers: boolean }

// A few official train answers are empty strings, so answers may be empty.
const answerSchema = z.strictObject({ answer: z.string(), answer_confidence: z.enum(['yes', 'maybe', 'no']) });

const annotatedQuestionSchema = z.strictObject({
  image: z.string().min(1),
  question: z.string(),
  answers: z.array(answerSchema).length(10),
  answer_type: z.enum(['yes/no', 'number', 'other', 'unanswerable']),
  answerable: z.union([z.literal(0), z.literal(1)]),
});

const testQuestionSchema = z.strictObject({
  image: z.string().min(1),
  question: z.string(),
  answers: z.array(answerSchema).length(10).optional(),
  answer_type: z.enum(['yes/no', 'number', 'other', 'unanswerable']).optional(),
  answerable: z.union([z.literal(0), z.literal(1)]).optional(),
});

/** Reads a split of the official files; `splits` is the task's table (tasks/vizwiz.ts). */
export async function* loadVizWiz(splits: readonly VizWizSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  const opened = await openSingleFileSplit('vizwiz', splits, options);
  if (!opened) return;
  const { split, file, dataDir, sink } = opened;
  const schema = split.hasAnswers ? annotatedQuestionSchema : testQuestionSchema;
  const occurrences = new FirstOccurrences<string>();
  for await (const { value: entry, index, path: entryPath } of streamValidated(file, { kind: 'array' }, schema, sink)) {
    const earlier = occurrences.claim(entry.image, index);
    if (earlier !== undefined) {
      sink.report({ file, field: `${entryPath}.image`, message: `duplicate question id ${JSON.stringify(entry.image)} (VizWiz ids are image names), already used by [${earlier}]` });
      continue;
    }
    const image = imageInside(sink, dataDir, split.imageFolder, entry.image, { file, field: `${entryPath}.image` });
    if (!image) continue;
    yield {
      id: entry.image,
      question: entry.question,
      answers: split.hasAnswers && entry.answers ? entry.answers.map((answer) => answer.answer) : [],
      media: [image],
      meta: { imageId: entry.image, answerType: entry.answer_type, answerable: entry.answerable },
    };
  }
}
