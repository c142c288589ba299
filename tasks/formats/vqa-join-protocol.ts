import type { DataProblem } from '../../core/contracts/task.js';
import type { VqaAnnotationSchemaName } from './vqa-format-schemas.js';

// What the worker thread that reads and joins a VQA-format split (vqa-join-worker.ts) and the main
// thread (vqa-worker-samples.ts) say to each other. The worker sends the joined samples in a compact
// form (numbers in one typed array, each distinct answer string of a batch once) because copying a
// message of objects between threads costs about what building them did.

export interface JoinWorkerInput {
  /** Absolute data root and the split's files (already found to exist). */
  dataDir: string;
  questionsFile: string;
  annotationsFile: string;
  schema: VqaAnnotationSchemaName;
  imageFolder: string;
  /** cocoImagePrefix(dataDir, imageFolder), computed once by the main thread. */
  imagePrefix: string | undefined;
  /** Int32 slots: [batches the reader has taken]; the worker stays at most MAX_BATCHES_AHEAD ahead. */
  taken: SharedArrayBuffer;
  /** An estimate of the number of annotations, to size the duplicate-id table at once. */
  expectedAnnotations: number;
  /** Samples per batch (SAMPLES_PER_BATCH; tests lower it to cross batch boundaries with small files). */
  samplesPerBatch: number;
}

/** Samples per batch: large enough that the messages cost nothing beside the samples, small enough that the first arrive at once. */
export const SAMPLES_PER_BATCH = 1024;

/** Batches the worker may have sent and the reader not yet taken: bounds the memory of a reader that is slower than the worker. */
export const MAX_BATCHES_AHEAD = 32;

/** Numbers per sample in `numbers`: question_id, image_id, answer count. */
export const NUMBERS_PER_SAMPLE = 3;

/**
 * Consecutive samples, in questions-file order. Sample i has its numbers at `numbers[3i .. 3i+2]`, its
 * question text at `questions[i]`, and its annotation's strings next in `stringRefs` (samples take them
 * in turn): question_type, answer_type, multiple_choice_answer, then the answers, each as an index into
 * `strings` (each distinct string of the batch once: "yes" is one string, not thousands; NO_STRING when
 * absent). `imagePaths[i]` is its checked image path when the split's names need checking (no image
 * prefix). Each entry of `problems` is what one report gave (several for an element failing several
 * checks) and goes before sample `problemsBefore[k]` (`count`: after the last).
 */
export interface SampleBatch {
  kind: 'batch';
  count: number;
  numbers: Float64Array;
  questions: string[];
  strings: string[];
  stringRefs: Int32Array;
  imagePaths: string[] | undefined;
  problems: DataProblem[][];
  problemsBefore: number[];
}

/** The index standing for an absent string (OK-VQA's optional multiple_choice_answer). */
export const NO_STRING = -1;

/** Where a split's batches came from: replayed from its prepared entry (prepared-split-cache.ts), or its files read and joined. */
export type JoinBatchesSource = 'entry' | 'files';

/** 'end' comes after the last batch. */
export type JoinWorkerMessage = SampleBatch | { kind: 'failed'; error: unknown } | { kind: 'end'; source: JoinBatchesSource };
