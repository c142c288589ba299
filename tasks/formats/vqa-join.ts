import { stat } from 'node:fs/promises';
import { resolveInside } from '../../core/safe-path.js';
import type { Sample } from '../../core/contracts/task.js';
import { FirstNumberOccurrences, type ProblemSink } from './problem-sink.js';
import { INVALID, streamElementBatches, validValue } from './validated-stream.js';
import { WAIT, type AnnotationSource, type JoinAnnotation } from './vqa-annotation-source.js';
import { vqaQuestionSchema, type VqaQuestion } from './vqa-format-schemas.js';
import { cocoImageName } from './vqa-sample.js';

// The sample-building helpers live in vqa-sample.ts (the main thread needs them without the join).
export { annotationMeta, cocoImageName, cocoImagePrefix, vqaSample } from './vqa-sample.js';

// The question/annotation join of a VQA-format split, shared by the two ways of reading one: in the
// main thread (small files) and in a worker thread (vqa-join-worker.ts), which sends what it yields
// on to the main thread. Both run this same code, so samples and problems come in the same order.

/**
 * Bytes per question in the official files, a little under (VQAv2 val: 84): the file size over this
 * estimates the count, to size the duplicate-id table at once.
 */
const QUESTION_BYTES_ESTIMATE = 80;

export interface VqaJoinInput {
  /** Absolute data root. */
  dataDir: string;
  questionsFile: string;
  /** With its reader; both absent for a test split (no answers). */
  annotationsFile?: string;
  annotations?: AnnotationSource;
  imageFolder: string;
  /** cocoImagePrefix(dataDir, imageFolder): when set, image paths are prefix + name and need no check here. */
  imagePrefix: string | undefined;
  sink: ProblemSink;
}

/** One question that becomes a sample. */
export interface JoinedQuestion {
  question: VqaQuestion;
  /** Its annotation; undefined for a split without annotations. */
  annotation: JoinAnnotation | undefined;
  /** The checked image path when there is no imagePrefix (else undefined: prefix + cocoImageName). */
  imagePath: string | undefined;
}

function annotationPath(annotation: JoinAnnotation): string {
  return `annotations[${annotation.index}]`;
}

/**
 * Joins questions and annotations by question_id, in questions-file order; every problem (invalid
 * elements, duplicate ids, missing or unmatched annotations, image_id mismatches, malformed JSON) goes
 * to the sink in file order. The official files list both in the same order, so annotations are read
 * in step with the questions and only the ones that run ahead are held in memory; a reordered file
 * still works, at the cost of buffering.
 */
export async function* joinVqaQuestions(input: VqaJoinInput): AsyncGenerator<JoinedQuestion> {
  const { dataDir, questionsFile, annotationsFile, annotations, imageFolder, imagePrefix, sink } = input;
  const pending = new Map<number, JoinAnnotation>();
  let annotationsDone = annotations === undefined;

  /** Takes one annotation read from the file; returns it when it is the one asked for. */
  function consider(value: JoinAnnotation | undefined, questionId: number): JoinAnnotation | undefined {
    if (value === undefined) {
      annotationsDone = true;
      return undefined;
    }
    if (value.duplicateOf !== undefined) {
      sink.report({
        file: annotationsFile!,
        field: `${annotationPath(value)}.question_id`,
        message: `duplicate question_id ${value.questionId}, already used by annotations[${value.duplicateOf}]`,
      });
      return undefined;
    }
    // The files list both in the same order: the annotation asked for is usually the next one read.
    if (value.questionId === questionId) return value;
    pending.set(value.questionId, value);
    return undefined;
  }

  function takePending(questionId: number): JoinAnnotation | undefined {
    const found = pending.get(questionId);
    if (found) pending.delete(questionId);
    return found;
  }

  /** takeAnnotation without waiting: WAIT when an annotation not read yet is needed (then call takeAnnotation). */
  function takeReadAnnotation(questionId: number): JoinAnnotation | undefined | typeof WAIT {
    while (!pending.has(questionId) && !annotationsDone) {
      const value = annotations!.nextReady();
      if (value === WAIT) return WAIT;
      const match = consider(value, questionId);
      if (match) return match;
    }
    return takePending(questionId);
  }

  async function takeAnnotation(questionId: number): Promise<JoinAnnotation | undefined> {
    while (!pending.has(questionId) && !annotationsDone) {
      const match = consider(await annotations!.next(), questionId);
      if (match) return match;
    }
    return takePending(questionId);
  }

  const questionOccurrences = new FirstNumberOccurrences(Math.floor((await stat(questionsFile)).size / QUESTION_BYTES_ESTIMATE));
  // One async step per read chunk of questions (and none per annotation already read), not per question.
  for await (const batch of streamElementBatches(questionsFile, { kind: 'array-under-key', key: 'questions' }, sink)) {
    for (const element of batch) {
      const question = validValue(vqaQuestionSchema, element, questionsFile, sink);
      if (question === INVALID) continue;
      const earlier = questionOccurrences.claim(question.question_id, element.index);
      if (earlier !== undefined) {
        sink.report({
          file: questionsFile,
          field: `${element.path}.question_id`,
          message: `duplicate question_id ${question.question_id}, already used by questions[${earlier}]`,
        });
        continue;
      }
      // A name that leaves the data root is reported here (imagePath undefined), before the annotation's problems.
      const imagePath =
        imagePrefix === undefined
          ? sink.attempt(() => resolveInside(dataDir, cocoImageName(imageFolder, question.image_id), { file: questionsFile, field: `${element.path}.image_id` }), questionsFile)
          : undefined;
      let annotation: JoinAnnotation | undefined;
      if (annotations) {
        const ready = takeReadAnnotation(question.question_id);
        annotation = ready === WAIT ? await takeAnnotation(question.question_id) : ready;
        if (!annotation) {
          sink.report({
            file: questionsFile,
            field: `${element.path}.question_id`,
            message: `question_id ${question.question_id} has no annotation in ${annotationsFile}`,
          });
          continue;
        }
        if (annotation.imageId !== question.image_id) {
          sink.report({
            file: annotationsFile!,
            field: `${annotationPath(annotation)}.image_id`,
            message: `expected image_id ${question.image_id} as in ${element.path} of ${questionsFile}, found ${annotation.imageId}`,
          });
          continue;
        }
      }
      if (imagePrefix === undefined && imagePath === undefined) continue;
      yield { question, annotation, imagePath };
    }
  }
  if (annotations) {
    // No question id is negative, so asking for -1 drains the rest of the annotations file into `pending`.
    await takeAnnotation(-1);
    for (const [questionId, annotation] of pending) {
      sink.report({
        file: annotationsFile!,
        field: `${annotationPath(annotation)}.question_id`,
        message: `annotation for question_id ${questionId} has no question in ${questionsFile}`,
      });
    }
  }
}
