import { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import { FirstNumberOccurrences, type ProblemSink } from './problem-sink.js';
import type { JsonStreamElement } from '../../core/json/json-stream.js';
import { INVALID, streamElementBatches, validValue } from './validated-stream.js';
import { NO_STRING, NOT_A_DUPLICATE, NUMBERS_PER_ANNOTATION, type AnnotationBatch, type AnnotationWorkerInput, type AnnotationWorkerMessage } from './vqa-annotation-protocol.js';
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

/** The name under which a worker thread knows `schema`, or undefined for a schema it does not know. */
export function workerSchemaName(schema: z.ZodType<VqaAnnotation>): VqaAnnotationSchemaName | undefined {
  for (const [name, known] of Object.entries(VQA_ANNOTATION_SCHEMAS)) if (known === schema) return name as VqaAnnotationSchemaName;
  return undefined;
}

// From the TypeScript sources (tests, `npm run emu-eval`) the worker starts through an entry that
// registers tsx; compiled (dist/, what the `emu-eval` command runs) it loads the worker directly.
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './vqa-annotation-worker-entry.js' : './vqa-annotation-worker.js', import.meta.url);

/** Reads and validates in a worker thread, so the main thread can read the questions and evaluate meanwhile. */
export function annotationsInWorker(file: string, schema: VqaAnnotationSchemaName, sink: ProblemSink, expectedAnnotations = 0): AnnotationSource {
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const input: AnnotationWorkerInput = { file, schema, taken: taken.buffer as SharedArrayBuffer, expectedAnnotations };
  const worker = new Worker(WORKER_ENTRY, { workerData: input, execArgv: [] });
  worker.unref();
  const arrived: AnnotationWorkerMessage[] = [];
  let waiting: (() => void) | undefined;
  let crashed: Error | undefined;
  let finished = false;
  const wake = () => {
    const resume = waiting;
    waiting = undefined;
    resume?.();
  };
  worker.on('message', (message: AnnotationWorkerMessage) => {
    arrived.push(message);
    wake();
  });
  worker.on('error', (error) => {
    crashed = error;
    wake();
  });
  worker.on('exit', (code) => {
    if (!finished && code !== 0) crashed ??= new Error(`the annotations reader thread for ${file} stopped (exit code ${code})`);
    wake();
  });

  let batch: AnnotationBatch | undefined;
  let position = 0;
  let problemCursor = 0;
  let arrivedCursor = 0;

  async function waitForMessage(): Promise<void> {
    while (arrivedCursor >= arrived.length) {
      if (crashed) throw crashed;
      // The thread keeps the process alive only while the reader waits for it: a reader abandoned
      // without close() must not hold the process open.
      worker.ref();
      await new Promise<void>((resolve) => (waiting = resolve));
      worker.unref();
    }
  }

  function takeArrived(): AnnotationWorkerMessage | undefined {
    if (arrivedCursor >= arrived.length) return undefined;
    const message = arrived[arrivedCursor]!;
    arrived[arrivedCursor++] = undefined as never;
    if (arrivedCursor > 1024 && arrivedCursor * 2 > arrived.length) {
      arrived.splice(0, arrivedCursor);
      arrivedCursor = 0;
    }
    return message;
  }

  function nextReady(): JoinAnnotation | undefined | typeof WAIT {
    while (!finished) {
      if (batch) {
        // Problems of the elements before this annotation come first, as the file lists them.
        while (problemCursor < batch.problems.length && batch.problemsBefore[problemCursor]! <= position) sink.reportAll(batch.problems[problemCursor++]!);
        if (position < batch.count) return decode(batch, position++);
        batch = undefined;
      }
      const message = takeArrived();
      if (message === undefined) return WAIT;
      switch (message.kind) {
        case 'batch':
          batch = message;
          position = 0;
          problemCursor = 0;
          Atomics.add(taken, 0, 1);
          Atomics.notify(taken, 0);
          break;
        case 'data-problem':
          finished = true;
          sink.report(message.problem);
          break;
        case 'failed':
          finished = true;
          throw message.error;
        case 'end':
          finished = true;
          break;
      }
    }
    return undefined;
  }

  return {
    nextReady,
    next: () => nextOrWait(nextReady, waitForMessage),
    async close() {
      finished = true;
      await worker.terminate();
    },
  };
}

function decode(batch: AnnotationBatch, position: number): JoinAnnotation {
  const at = position * NUMBERS_PER_ANNOTATION;
  const numbers = batch.numbers;
  const strings = batch.strings;
  const refs = batch.stringRefs;
  const start = batch.stringStarts[position]!;
  const answerCount = numbers[at + 3]!;
  const answers = new Array<string>(answerCount);
  for (let answer = 0; answer < answerCount; answer++) answers[answer] = strings[refs[start + 3 + answer]!]!;
  const multipleChoiceAnswer = refs[start + 2]!;
  const duplicateOf = numbers[at + 4]!;
  return {
    questionId: numbers[at]!,
    imageId: numbers[at + 1]!,
    index: numbers[at + 2]!,
    questionType: strings[refs[start]!]!,
    answerType: strings[refs[start + 1]!]!,
    multipleChoiceAnswer: multipleChoiceAnswer === NO_STRING ? undefined : strings[multipleChoiceAnswer],
    answers,
    duplicateOf: duplicateOf === NOT_A_DUPLICATE ? undefined : duplicateOf,
  };
}
