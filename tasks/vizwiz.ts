import path from 'node:path';
import { z } from 'zod';
import { imageInside } from './formats/image-path.js';
import { FirstOccurrences, ProblemSink } from './formats/problem-sink.js';
import { findSplit, locateSplitFiles } from './formats/split-files.js';
import { streamValidated } from './formats/validated-stream.js';
import type { LoadOptions, Sample, SplitInfo, TaskAdapter } from '../core/contracts/task.js';

// VizWiz-VQA: photos taken by blind people, one question per image, so the image file name is the
// question id. Annotation files are JSON lists; test.json carries no answers.

const splits = [
  { name: 'val', file: 'val.json', imageFolder: 'val', hasAnswers: true },
  { name: 'train', file: 'train.json', imageFolder: 'train', hasAnswers: true },
  { name: 'test', file: 'test.json', imageFolder: 'test', hasAnswers: false },
] as const;

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

async function* loadVizWiz(options: LoadOptions): AsyncGenerator<Sample> {
  const split = findSplit('vizwiz', splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const files = await locateSplitFiles('vizwiz', { name: split.name, hasAnswers: split.hasAnswers, files: [split.file] }, dataDir, sink);
  if (!files) return;
  const [file] = files;
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

export const vizwiz = {
  id: 'vizwiz',
  benchmark: 'VizWiz',
  // 2: scored by the VizWiz API's rule instead of vqaEval.py's.
  version: 2,
  modality: 'image',
  metric: 'vqa_accuracy',
  evaluator: 'vizwiz-vqa-eval',
  description: 'VizWiz-VQA: questions from blind people about their own photos, some unanswerable (10 human answers)',
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: split.hasAnswers, files: [split.file] })),
  defaultSplit: 'val',
  trainSplit: 'train',
  sampleFolder: 'vizwiz',
  recordMeta: ['answerType', 'answerable'],
  breakdowns: ['answerType'],
  submissionKey: 'image',
  load: loadVizWiz,
} satisfies TaskAdapter;
