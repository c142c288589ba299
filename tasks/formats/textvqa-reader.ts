import { z } from 'zod';
import { imageInside } from './image-path.js';
import { FirstOccurrences } from './problem-sink.js';
import { openSingleFileSplit } from './split-files.js';
import { streamValidated } from './validated-stream.js';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';

// The official files' reader of tasks/textvqa.ts, imported by its first load.

/** A split of the official files, as tasks/textvqa.ts lists them. */
export interface TextVqaSplit { name: string; file: string; imageFolder: string }

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

/** Reads a split of the official files; `splits` is the task's table (tasks/textvqa.ts). */
export async function* loadTextVqa(splits: readonly TextVqaSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  const opened = await openSingleFileSplit('textvqa', splits, options);
  if (!opened) return;
  const { split, file, dataDir, sink } = opened;
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
