import type { DataProblem } from '../../core/contracts/task.js';
import type { VqaAnnotationSchemaName } from './vqa-format-schemas.js';

// What the annotation-reading worker thread and the VQA-format reader say to each other. The worker
// sends the annotations in a compact form (numbers in one typed array, the strings the join keeps in
// one flat array) because copying a message of objects between threads costs about what parsing them did.

export interface AnnotationWorkerInput {
  file: string;
  schema: VqaAnnotationSchemaName;
  /** Int32 slots: [batches the reader has taken]; the worker stays at most MAX_BATCHES_AHEAD ahead. */
  taken: SharedArrayBuffer;
  /** An estimate of the number of annotations, to size the duplicate-id table at once. */
  expectedAnnotations: number;
}

/** Batches the worker may have sent and the reader not yet taken: bounds the memory of a reader that is slower than the worker. */
export const MAX_BATCHES_AHEAD = 32;

/**
 * Numbers per annotation in `numbers`: question_id, image_id, index in the array, answer count, and
 * the index of the earlier annotation with the same question_id (NOT_A_DUPLICATE when none).
 */
export const NUMBERS_PER_ANNOTATION = 5;
export const NOT_A_DUPLICATE = -1;

/**
 * The elements one read chunk completed, in file order. Annotation i has its numbers at
 * `numbers[5i .. 5i+4]` and its strings from `stringStarts[i]` in `stringRefs`: question_type,
 * answer_type, multiple_choice_answer, then the answers, each as an index into `strings` (each
 * distinct string of the batch once: "yes" is one string, not thousands; NO_STRING when absent).
 * `problems[k]` goes before annotation `problemsBefore[k]` (the elements that failed validation,
 * reported in their place).
 */
export interface AnnotationBatch {
  kind: 'batch';
  count: number;
  numbers: Float64Array;
  strings: string[];
  stringRefs: Int32Array;
  stringStarts: Int32Array;
  problems: DataProblem[][];
  problemsBefore: number[];
}

/** The index standing for an absent string (OK-VQA's optional multiple_choice_answer). */
export const NO_STRING = -1;

export type AnnotationWorkerMessage =
  | AnnotationBatch
  /** Malformed JSON (or an unreadable file) ends the file, as in the in-thread reader. */
  | { kind: 'data-problem'; problem: DataProblem }
  | { kind: 'failed'; error: unknown }
  | { kind: 'end' };
