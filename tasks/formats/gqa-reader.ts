import { z } from 'zod';
import { imageInside } from './image-path.js';
import { FirstOccurrences } from './problem-sink.js';
import { openSingleFileSplit } from './split-files.js';
import { streamValidated } from './validated-stream.js';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';

// The official files' reader of tasks/gqa.ts, imported by its first load.

/** A split of the official files, as tasks/gqa.ts lists them. */
export interface GqaSplit { name: string; file: string }

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

/** Reads a split of the official files; `splits` is the task's table (tasks/gqa.ts). */
export async function* loadGqa(splits: readonly GqaSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  const opened = await openSingleFileSplit('gqa', splits, options);
  if (!opened) return;
  const { file, dataDir, sink } = opened;
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
