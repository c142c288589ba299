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
}

/** Batches the worker may have sent and the reader not yet taken: bounds the memory of a reader that is slower than the worker. */
export const MAX_BATCHES_AHEAD = 32;

/** Numbers per annotation in `numbers`: question_id, image_id, index in the array, answer count. */
export const NUMBERS_PER_ANNOTATION = 4;

/**
 * The elements one read chunk completed, in file order. Annotation i has its numbers at
 * `numbers[4i .. 4i+3]` and its strings from `stringStarts[i]`: question_type, answer_type,
 * multiple_choice_answer (undefined when absent), then the answers. `problems[k]` goes before
 * annotation `problemsBefore[k]` (the elements that failed validation, reported in their place).
 */
export interface AnnotationBatch {
  kind: 'batch';
  count: number;
  numbers: Float64Array;
  strings: Array<string | undefined>;
  stringStarts: Int32Array;
  problems: DataProblem[][];
  problemsBefore: number[];
}

export type AnnotationWorkerMessage =
  | AnnotationBatch
  /** Malformed JSON (or an unreadable file) ends the file, as in the in-thread reader. */
  | { kind: 'data-problem'; problem: DataProblem }
  | { kind: 'failed'; error: unknown }
  | { kind: 'end' };
