import { z } from 'zod';

// Element schemas of the VQA-format files (VQAv2, OK-VQA), written from the files as distributed.
// Strict: an unknown field usually means the wrong file was given (e.g. a v1 multiple-choice file).

const questionId = z.int().nonnegative();
const imageId = z.int().nonnegative();
const answerConfidence = z.enum(['yes', 'maybe', 'no']);
const answerId = z.int().min(1).max(10);

export const vqaQuestionSchema = z.strictObject({
  image_id: imageId,
  question: z.string(),
  question_id: questionId,
});
export type VqaQuestion = z.infer<typeof vqaQuestionSchema>;

export const vqaV2AnnotationSchema = z.strictObject({
  question_id: questionId,
  image_id: imageId,
  question_type: z.string(),
  answer_type: z.enum(['yes/no', 'number', 'other']),
  multiple_choice_answer: z.string(),
  answers: z.array(z.strictObject({ answer: z.string(), answer_confidence: answerConfidence, answer_id: answerId })).length(10),
});

/** OK-VQA keeps each annotator's unprocessed answer (`raw_answer`); its question types are topic names ("one" … "ten", "other"). */
export const okVqaAnnotationSchema = z.strictObject({
  question_id: questionId,
  image_id: imageId,
  question_type: z.string(),
  answer_type: z.string(),
  multiple_choice_answer: z.string().optional(),
  confidence: z.number().optional(),
  answers: z
    .array(z.strictObject({ answer: z.string(), raw_answer: z.string().optional(), answer_confidence: answerConfidence, answer_id: answerId }))
    .length(10),
});

/** What the join needs from either annotation flavour. */
export interface VqaAnnotation {
  question_id: number;
  image_id: number;
  question_type: string;
  answer_type: string;
  multiple_choice_answer?: string;
  answers: Array<{ answer: string }>;
}
