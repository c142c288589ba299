import { z } from 'zod';
import type { ParquetTaskLayout } from '../formats/parquet-layout.js';
import { VIZWIZ_PARQUET_FILES } from './snapshot-files.js';

// VizWiz-VQA as lmms-lab publishes it (lmms-lab/VizWiz-VQA): one row per question, `question_id` the
// image name without its extension (`VizWiz_val_00000000`), the answers as strings.

const vizWizRowSchema = z.object({
  question_id: z.string().min(1),
  question: z.string(),
  answers: z.array(z.string()).nullable().optional(),
  answer_type: z.string().nullable().optional(),
  answerable: z.int().nullable().optional(),
});

export const vizwizParquet: ParquetTaskLayout<z.infer<typeof vizWizRowSchema>> = {
  taskId: 'vizwiz',
  splits: VIZWIZ_PARQUET_FILES,
  columns: ['question_id', 'question'],
  optionalColumns: ['answers', 'answer_type', 'answerable'],
  rowSchema: vizWizRowSchema,
  image: { columns: ['image'] },
  toSample(row, { hasAnswers, at, sink }) {
    // The official files name a question by its image file: the same ids, so submissions and comparisons match.
    const id = row.question_id.endsWith('.jpg') ? row.question_id : `${row.question_id}.jpg`;
    const answers = hasAnswers ? (row.answers ?? []) : [];
    if (hasAnswers && answers.length !== 10) {
      sink.report({ file: at.file, field: `${at.place}, column answers`, message: `expected exactly 10 answers, found ${answers.length}` });
      return undefined;
    }
    return { id, question: row.question, answers, meta: { imageId: id, answerType: row.answer_type ?? undefined, answerable: row.answerable ?? undefined } };
  },
};
