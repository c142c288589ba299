import { z } from 'zod';
import type { ParquetTaskLayout } from '../formats/parquet-layout.js';
import { TEXTVQA_PARQUET_FILES } from './snapshot-files.js';

// TextVQA as lmms-lab publishes it (lmms-lab/textvqa): the fields of TextVQA_0.5.1_*.json, one row per
// question, with the OpenImages photo embedded.

const textVqaRowSchema = z.object({
  question_id: z.int().nonnegative(),
  question: z.string(),
  image_id: z.string().min(1),
  answers: z.array(z.string()).length(10),
  image_classes: z.array(z.string()).nullable().optional(),
});

export const textvqaParquet: ParquetTaskLayout<z.infer<typeof textVqaRowSchema>> = {
  taskId: 'textvqa',
  splits: TEXTVQA_PARQUET_FILES,
  columns: ['question_id', 'question', 'image_id', 'answers'],
  optionalColumns: ['image_classes'],
  rowSchema: textVqaRowSchema,
  image: { columns: ['image'] },
  toSample: (row) => ({
    id: String(row.question_id),
    question: row.question,
    answers: row.answers,
    meta: { imageId: row.image_id, imageClasses: row.image_classes ?? undefined },
  }),
};
