import type { z } from 'zod';
import { FirstNumberOccurrences, type ProblemSink } from './problem-sink.js';
import type { JsonStreamElement } from '../../core/json/json-stream.js';
import { INVALID, streamElementBatches, validValue } from './validated-stream.js';
import { VQA_ANNOTATION_SCHEMAS, type VqaAnnotation, type VqaAnnotationSchemaName } from './vqa-format-schemas.js';

/** What the question/annotation join keeps of one valid annotation. */
export interface JoinAnnotation {
  questionId: number;
  imageId: number;
  /** Position in the `annotations` array (its JSON path is `annotations[index]`). */
  index: number;
  questionType: string;
  answerType: string;
  multipleChoiceAnswer: string | undefined;
  answers: string[];
  /** Index of the earlier annotation with the same question_id, when this one repeats it. */
  duplicateOf: number | undefined;
}

/**
 * The valid annotations of a file in file order; the invalid ones are reported to the sink in their
 * place (in throwing mode the first one throws), and malformed JSON reports once and ends the file.
 */
export interface AnnotationSource {
  next(): Promise<JoinAnnotation | undefined>;
  /** next() without waiting: the next annotation when it is already read, WAIT when next() would have to wait for it. */
  nextReady(): JoinAnnotation | undefined | typeof WAIT;
  close(): Promise<void>;
}

/** What nextReady() returns when the next annotation is not read yet. */
export const WAIT: unique symbol = Symbol('wait for next()');

/** next() from nextReady(): `wait` brings more annotations (or the end) each time nextReady() says WAIT. */
async function nextOrWait(nextReady: () => JoinAnnotation | undefined | typeof WAIT, wait: () => Promise<void>): Promise<JoinAnnotation | undefined> {
  while (true) {
    const ready = nextReady();
    if (ready !== WAIT) return ready;
    await wait();
  }
}

/** Reads and validates in this thread. */
export function annotationsInThread(file: string, schema: z.ZodType<VqaAnnotation>, sink: ProblemSink, expectedAnnotations = 0): AnnotationSource {
  const batches = streamElementBatches(file, { kind: 'array-under-key', key: 'annotations' }, sink);
  const occurrences = new FirstNumberOccurrences(expectedAnnotations);
  let batch: JsonStreamElement[] = [];
  let position = 0;
  let done = false;
  function nextReady(): JoinAnnotation | undefined | typeof WAIT {
    while (position < batch.length) {
      const element = batch[position++]!;
      // Checked as it is taken, so its problems come in file order among the reader's own.
      const value = validValue(schema, element, file, sink);
      if (value === INVALID) continue;
      const answers = new Array<string>(value.answers.length);
      for (let answer = 0; answer < answers.length; answer++) answers[answer] = value.answers[answer]!.answer;
      return {
        questionId: value.question_id,
        imageId: value.image_id,
        index: element.index,
        questionType: value.question_type,
        answerType: value.answer_type,
        multipleChoiceAnswer: value.multiple_choice_answer,
        answers,
        duplicateOf: occurrences.claim(value.question_id, element.index),
      };
    }
    return done ? undefined : WAIT;
  }
  return {
    nextReady,
    next: () =>
      nextOrWait(nextReady, async () => {
        const next = await batches.next();
        if (next.done) done = true;
        else {
          batch = next.value;
          position = 0;
        }
      }),
    async close() {
      await batches.return(undefined);
    },
  };
}

export { workerSchemaName } from './vqa-format-schemas.js';
