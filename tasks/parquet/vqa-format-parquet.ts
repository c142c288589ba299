import { z } from 'zod';
import type { ParquetTaskLayout } from '../formats/parquet-layout.js';
import { OKVQA_PARQUET_FILES, VQAV2_PARQUET_FILES } from './snapshot-files.js';

// VQAv2 and OK-VQA as lmms-lab publishes them (lmms-lab/VQAv2, lmms-lab/OK-VQA on the Hugging Face hub):
// one row per question, the VQA-format question and annotation fields side by side, the COCO image
// embedded. Test splits leave the annotation fields empty.

const answerEntry = z.object({ answer: z.string() });

const vqaRowSchema = z.object({
  question_id: z.int().nonnegative(),
  question: z.string(),
  image_id: z.int().nonnegative().nullable().optional(),
  question_type: z.string().nullable().optional(),
  answer_type: z.string().nullable().optional(),
  multiple_choice_answer: z.string().nullable().optional(),
  // VQAv2 keeps the annotation's {answer, answer_confidence, answer_id}; OK-VQA's copy keeps the answer strings.
  answers: z.array(z.union([z.string(), answerEntry])).nullable().optional(),
});
type VqaRow = z.infer<typeof vqaRowSchema>;

function vqaLayout(taskId: string, splits: ParquetTaskLayout<VqaRow>['splits']): ParquetTaskLayout<VqaRow> {
  return {
    taskId,
    splits,
    columns: ['question_id', 'question'],
    optionalColumns: ['image_id', 'question_type', 'answer_type', 'multiple_choice_answer', 'answers'],
    rowSchema: vqaRowSchema,
    image: { columns: ['image'] },
    toSample(row, { hasAnswers, at, sink }) {
      const meta: Record<string, unknown> = { imageId: row.image_id ?? undefined };
      if (!hasAnswers) return { id: String(row.question_id), question: row.question, answers: [], meta };
      const answers = (row.answers ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.answer));
      if (answers.length !== 10) {
        sink.report({ file: at.file, field: `${at.place}, column answers`, message: `expected exactly 10 answers, found ${answers.length}` });
        return undefined;
      }
      return {
        id: String(row.question_id),
        question: row.question,
        answers,
        meta: { ...meta, answerType: row.answer_type ?? undefined, questionType: row.question_type ?? undefined, multipleChoiceAnswer: row.multiple_choice_answer ?? undefined },
      };
    },
  };
}

/** lmms-lab/VQAv2: `data/validation-*.parquet` (214,354 questions) and `data/testdev-*.parquet`. */
export const vqav2Parquet = vqaLayout('vqav2', VQAV2_PARQUET_FILES);

/** lmms-lab/OK-VQA: the val2014 split, `data/val2014-*.parquet`. */
export const okvqaParquet = vqaLayout('okvqa', OKVQA_PARQUET_FILES);
