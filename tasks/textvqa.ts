import path from 'node:path';
import { z } from 'zod';
import { imageInside } from './formats/image-path.js';
import { FirstOccurrences, ProblemSink } from './formats/problem-sink.js';
import { findSplit, locateSplitFiles } from './formats/split-files.js';
import { streamValidated } from './formats/validated-stream.js';
import type { LoadOptions, Sample, SplitInfo, TaskAdapter } from '../core/contracts/task.js';

// TextVQA 0.5.1: questions that need reading text in OpenImages photos. The official download keeps
// validation images in train_images/ (train_val_images.zip), named <image_id>.jpg.

const splits = [
  { name: 'val', file: 'TextVQA_0.5.1_val.json', imageFolder: 'train_images' },
  { name: 'train', file: 'TextVQA_0.5.1_train.json', imageFolder: 'train_images' },
] as const;

const questionSchema = z.strictObject({
  question_id: z.int().nonnegative(),
  question: z.string(),
  image_id: z.string().min(1),
  answers: z.array(z.string()).length(10),
  image_classes: z.array(z.string()).optional(),
  flickr_original_url: z.string().optional(),
  flickr_300k_url: z.string().optional(),
  image_width: z.int().positive().optional(),
  image_height: z.int().positive().optional(),
  question_tokens: z.array(z.string()).optional(),
  set_name: z.string().optional(),
});

async function* loadTextVqa(options: LoadOptions): AsyncGenerator<Sample> {
  const split = findSplit('textvqa', splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const files = await locateSplitFiles('textvqa', { name: split.name, hasAnswers: true, files: [split.file] }, dataDir, sink);
  if (!files) return;
  const [file] = files;
  const occurrences = new FirstOccurrences<number>();
  for await (const { value: entry, index, path: entryPath } of streamValidated(file, { kind: 'array-under-key', key: 'data' }, questionSchema, sink)) {
    const earlier = occurrences.claim(entry.question_id, index);
    if (earlier !== undefined) {
      sink.report({ file, field: `${entryPath}.question_id`, message: `duplicate question_id ${entry.question_id}, already used by data[${earlier}]` });
      continue;
    }
    const image = imageInside(sink, dataDir, split.imageFolder, `${entry.image_id}.jpg`, { file, field: `${entryPath}.image_id` });
    if (!image) continue;
    yield {
      id: String(entry.question_id),
      question: entry.question,
      answers: entry.answers,
      media: [image],
      meta: { imageId: entry.image_id, imageClasses: entry.image_classes },
    };
  }
}

export const textvqa = {
  id: 'textvqa',
  benchmark: 'TextVQA',
  // 2: scored by the m4c TextVQA evaluator's rule instead of vqaEval.py's.
  version: 2,
  modality: 'image',
  metric: 'vqa_accuracy',
  evaluator: 'm4c-textvqa',
  description: 'TextVQA 0.5.1: questions that need reading text in the image (10 human answers)',
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  defaultSplit: 'val',
  trainSplit: 'train',
  sampleFolder: 'textvqa',
  recordMeta: [],
  breakdowns: [],
  load: loadTextVqa,
} satisfies TaskAdapter;
