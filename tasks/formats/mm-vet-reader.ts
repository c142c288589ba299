import path from 'node:path';
import { z } from 'zod';
import { integrationKey } from '../../scoring/judge/mm-vet/summary.js';
import { imageInside } from './image-path.js';
import { FirstOccurrences } from './problem-sink.js';
import { openSingleFileSplit } from './split-files.js';
import { streamValidated } from './validated-stream.js';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';
import type { ParquetTaskLayout } from './parquet-layout.js';
import { MM_VET_PARQUET_FILES } from '../parquet/snapshot-files.js';

// MM-Vet's readers (tasks/mm-vet.ts), imported by the task's first load: mm-vet.json, or the hub's rows.

/** A split of the official files, as tasks/mm-vet.ts lists them. */
export interface MmVetSplit {
  name: string;
  file: string;
}

/** The six capabilities of the paper: recognition, OCR, knowledge, language generation, spatial awareness, math. */
export const MM_VET_CAPABILITIES = ['rec', 'ocr', 'know', 'gen', 'spat', 'math'] as const;

const entrySchema = z.strictObject({
  imagename: z.string().min(1),
  capability: z.array(z.enum(MM_VET_CAPABILITIES)).min(1),
  question: z.string().min(1),
  answer: z.string(),
});

/** Reads mm-vet.json; `splits` is the task's table (tasks/mm-vet.ts). */
export async function* loadMmVet(splits: readonly MmVetSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  const opened = await openSingleFileSplit('mm-vet', splits, options);
  if (!opened) return;
  const { file, dataDir, sink } = opened;
  const occurrences = new FirstOccurrences<string>();
  for await (const { value: entry, index, key, path: entryPath } of streamValidated(file, { kind: 'object-entries' }, entrySchema, sink)) {
    const id = key!;
    // JSON.parse would silently keep the last of two equal keys; the stream sees both.
    const earlier = occurrences.claim(id, index);
    if (earlier !== undefined) {
      sink.report({ file, field: entryPath, message: `duplicate sample id ${JSON.stringify(id)}: entries ${earlier} and ${index} of the top-level object use the same key` });
      continue;
    }
    const origin = { file, field: `${entryPath}.imagename` };
    const image = options.textOnly ? { kind: 'image' as const, path: path.join(dataDir, 'images', entry.imagename), root: dataDir } : imageInside(sink, dataDir, 'images', entry.imagename, origin);
    if (!image) continue;
    yield {
      id,
      question: entry.question,
      answers: [entry.answer],
      media: [image],
      // One string per sample (what samples.jsonl records): the capability set, alphabetical, "_"-joined.
      meta: { capabilities: integrationKey(entry.capability) },
    };
  }
}

// lmms-lab/MMVet on the Hugging Face hub: the same samples as rows (question_id, image, question, answer,
// capability as "rec,ocr"), read when mm-vet.json is absent.
const hubRowSchema = z.object({
  question_id: z.string().min(1),
  question: z.string().min(1),
  answer: z.string(),
  capability: z.string().transform((text) => text.split(',').map((entry) => entry.trim())).pipe(z.array(z.enum(MM_VET_CAPABILITIES)).min(1)),
});

export const mmVetHubLayout: ParquetTaskLayout<z.infer<typeof hubRowSchema>> = {
  taskId: 'mm-vet',
  splits: MM_VET_PARQUET_FILES,
  columns: ['question_id', 'question', 'answer', 'capability'],
  rowSchema: hubRowSchema,
  image: { columns: ['image'] },
  toSample: (row) => ({ id: row.question_id, question: row.question, answers: [row.answer], meta: { capabilities: integrationKey(row.capability) } }),
};
