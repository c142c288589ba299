import { z } from 'zod';
import type { ParquetTaskLayout } from '../formats/parquet-layout.js';
import { GQA_PARQUET_FILES } from './snapshot-files.js';

// GQA as lmms-lab publishes it (lmms-lab/GQA): questions in the `<split>_balanced_instructions` config,
// images apart in `<split>_balanced_images` ({id, image} rows), joined on imageId as lmms-eval does.

const gqaRowSchema = z.object({
  id: z.string().min(1),
  imageId: z.string().min(1),
  question: z.string(),
  answer: z.string(),
  fullAnswer: z.string().nullable().optional(),
  isBalanced: z.boolean().nullable().optional(),
  types: z.object({ structural: z.string().nullable(), semantic: z.string().nullable(), detailed: z.string().nullable() }).nullable().optional(),
});

export const gqaParquet: ParquetTaskLayout<z.infer<typeof gqaRowSchema>> = {
  taskId: 'gqa',
  splits: GQA_PARQUET_FILES,
  columns: ['id', 'imageId', 'question', 'answer'],
  optionalColumns: ['fullAnswer', 'isBalanced', 'types'],
  rowSchema: gqaRowSchema,
  image: { idOf: (row) => row.imageId },
  toSample: (row) => ({
    id: row.id,
    question: row.question,
    answers: [row.answer],
    meta: {
      imageId: row.imageId,
      fullAnswer: row.fullAnswer ?? undefined,
      questionType: row.types?.detailed ?? undefined,
      structuralType: row.types?.structural ?? undefined,
      semanticType: row.types?.semantic ?? undefined,
      isBalanced: row.isBalanced ?? undefined,
    },
  }),
};
