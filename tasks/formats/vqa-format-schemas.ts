import { z } from 'zod';
import { isNonNegativeInteger, isPlainObject, withFastCheck } from '../../core/validation.js';

// Element schemas of the VQA-format files (VQAv2, OK-VQA), written from the files as distributed.
// Strict: an unknown field usually means the wrong file was given (e.g. a v1 multiple-choice file).

const questionId = z.int().nonnegative();
const imageId = z.int().nonnegative();
const answerConfidence = z.enum(['yes', 'maybe', 'no']);
const answerId = z.int().min(1).max(10);

export const vqaQuestionSchema = withFastCheck(
  z.strictObject({
    image_id: imageId,
    question: z.string(),
    question_id: questionId,
  }),
  (value) =>
    isPlainObject(value) && hasKeyCount(value, 3) && isNonNegativeInteger(value.image_id) && typeof value.question === 'string' && isNonNegativeInteger(value.question_id),
);
export type VqaQuestion = z.infer<typeof vqaQuestionSchema>;

/**
 * Object.keys(value).length === count without making the array (2.5 million objects in VQAv2's
 * annotations). for-in would also count inherited enumerable keys; a parsed JSON object inherits from
 * Object.prototype, which has none.
 */
function hasKeyCount(value: Record<string, unknown>, count: number): boolean {
  let keys = 0;
  for (const _key in value) if (++keys > count) return false;
  return keys === count;
}

const CONFIDENCES: ReadonlySet<unknown> = new Set(answerConfidence.options);
const V2_ANSWER_TYPES: ReadonlySet<unknown> = new Set(['yes/no', 'number', 'other']);

function isV2Answer(value: unknown): boolean {
  if (!isPlainObject(value) || !hasKeyCount(value, 3) || typeof value.answer !== 'string' || !CONFIDENCES.has(value.answer_confidence)) return false;
  const id = value.answer_id;
  return Number.isSafeInteger(id) && (id as number) >= 1 && (id as number) <= 10;
}

export const vqaV2AnnotationSchema = withFastCheck(
  z.strictObject({
    question_id: questionId,
    image_id: imageId,
    question_type: z.string(),
    answer_type: z.enum(['yes/no', 'number', 'other']),
    multiple_choice_answer: z.string(),
    answers: z.array(z.strictObject({ answer: z.string(), answer_confidence: answerConfidence, answer_id: answerId })).length(10),
  }),
  (value) =>
    isPlainObject(value) &&
    hasKeyCount(value, 6) &&
    isNonNegativeInteger(value.question_id) &&
    isNonNegativeInteger(value.image_id) &&
    typeof value.question_type === 'string' &&
    V2_ANSWER_TYPES.has(value.answer_type) &&
    typeof value.multiple_choice_answer === 'string' &&
    Array.isArray(value.answers) &&
    value.answers.length === 10 &&
    value.answers.every(isV2Answer),
);

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

/** The annotation schemas by name, so a worker thread (which cannot receive a schema) can be told which one to apply. */
export const VQA_ANNOTATION_SCHEMAS = { vqav2: vqaV2AnnotationSchema, okvqa: okVqaAnnotationSchema } as const;
export type VqaAnnotationSchemaName = keyof typeof VQA_ANNOTATION_SCHEMAS;

/** The name under which a worker thread knows `schema`, or undefined for a schema it does not know. */
export function workerSchemaName(schema: z.ZodType<VqaAnnotation>): VqaAnnotationSchemaName | undefined {
  for (const [name, known] of Object.entries(VQA_ANNOTATION_SCHEMAS)) if (known === schema) return name as VqaAnnotationSchemaName;
  return undefined;
}
