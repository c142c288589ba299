import path from 'node:path';
import { z } from 'zod';
import { imageInside } from './formats/image-path.js';
import { FirstOccurrences, ProblemSink } from './formats/problem-sink.js';
import { findSplit, locateSplitFiles } from './formats/split-files.js';
import { streamValidated } from './formats/validated-stream.js';
import type { LoadOptions, Sample, SplitInfo, TaskAdapter } from '../core/contracts/task.js';

// GQA balanced questions: one top-level object keyed by question id, images/<imageId>.jpg.
// Scored by exact match against the single short answer.

const splits = [
  { name: 'testdev', file: 'testdev_balanced_questions.json' },
  { name: 'train', file: 'train_balanced_questions.json' },
] as const;

// The reasoning annotations below are not used for scoring, so their insides are checked loosely.
const questionSchema = z.strictObject({
  imageId: z.string().min(1),
  question: z.string(),
  answer: z.string(),
  fullAnswer: z.string().optional(),
  isBalanced: z.boolean().optional(),
  groups: z.looseObject({ global: z.string().nullable().optional(), local: z.string().nullable().optional() }).optional(),
  entailed: z.array(z.string()).optional(),
  equivalent: z.array(z.string()).optional(),
  types: z.strictObject({ structural: z.string(), semantic: z.string(), detailed: z.string() }).optional(),
  annotations: z.looseObject({}).optional(),
  semantic: z.array(z.looseObject({ operation: z.string() })).optional(),
  semanticStr: z.string().optional(),
});

async function* loadGqa(options: LoadOptions): AsyncGenerator<Sample> {
  const split = findSplit('gqa', splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const files = await locateSplitFiles('gqa', { name: split.name, hasAnswers: true, files: [split.file] }, dataDir, sink);
  if (!files) return;
  const [file] = files;
  const occurrences = new FirstOccurrences<string>();
  for await (const { value: entry, index, key, path: entryPath } of streamValidated(file, { kind: 'object-entries' }, questionSchema, sink)) {
    const questionId = key!;
    // JSON.parse would silently keep the last of two equal keys; the stream sees both.
    const earlier = occurrences.claim(questionId, index);
    if (earlier !== undefined) {
      sink.report({ file, field: entryPath, message: `duplicate question id ${JSON.stringify(questionId)}: entries ${earlier} and ${index} of the top-level object use the same key` });
      continue;
    }
    const image = imageInside(sink, dataDir, 'images', `${entry.imageId}.jpg`, { file, field: `${entryPath}.imageId` });
    if (!image) continue;
    yield {
      id: questionId,
      question: entry.question,
      answers: [entry.answer],
      media: [image],
      meta: {
        imageId: entry.imageId,
        fullAnswer: entry.fullAnswer,
        questionType: entry.types?.detailed,
        structuralType: entry.types?.structural,
        semanticType: entry.types?.semantic,
        isBalanced: entry.isBalanced,
      },
    };
  }
}

export const gqa = {
  id: 'gqa',
  benchmark: 'GQA',
  // 2: scored by the GQA release's eval.py (exact string equality) instead of normalized exact match.
  version: 2,
  modality: 'image',
  metric: 'exact_match',
  evaluator: 'gqa-eval',
  description: 'GQA balanced: compositional questions about real scenes, scored by exact match on one answer',
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  defaultSplit: 'testdev',
  trainSplit: 'train',
  sampleFolder: 'gqa',
  recordMeta: ['questionType'],
  breakdowns: ['questionType'],
  load: loadGqa,
} satisfies TaskAdapter;
