// Worker thread: reads and validates a VQA-format annotations file (the largest file of VQAv2, 150 MB)
// beside the main thread, which reads the questions and runs the evaluation. Same reader and checks as
// the in-thread path (streamJsonFileBatches + validateElement); only the transport differs.
import { parentPort, workerData } from 'node:worker_threads';
import type { z } from 'zod';
import type { DataProblem } from '../../core/contracts/task.js';
import { DataError } from '../../core/errors.js';
import { streamJsonFileBatches, type JsonStreamElement } from '../../core/json/json-stream.js';
import { FirstNumberOccurrences, problemFromError } from './problem-sink.js';
import { validateElement } from './validate-element.js';
import { passesFastCheck } from '../../core/validation.js';
import { MAX_BATCHES_AHEAD, NO_STRING, NOT_A_DUPLICATE, NUMBERS_PER_ANNOTATION, type AnnotationBatch, type AnnotationWorkerInput, type AnnotationWorkerMessage } from './vqa-annotation-protocol.js';
import { VQA_ANNOTATION_SCHEMAS, type VqaAnnotation } from './vqa-format-schemas.js';

const { file, schema: schemaName, taken: takenBuffer, expectedAnnotations } = workerData as AnnotationWorkerInput;
const schema: z.ZodType<VqaAnnotation> = VQA_ANNOTATION_SCHEMAS[schemaName];
const taken = new Int32Array(takenBuffer);
const port = parentPort!;
let sent = 0;
const occurrences = new FirstNumberOccurrences(expectedAnnotations);

function send(message: AnnotationWorkerMessage): void {
  port.postMessage(message);
}

function sendBatch(batch: AnnotationBatch): void {
  // Wait while the reader is MAX_BATCHES_AHEAD batches behind (it wakes this thread as it takes each).
  for (let seen = Atomics.load(taken, 0); sent - seen >= MAX_BATCHES_AHEAD; seen = Atomics.load(taken, 0)) Atomics.wait(taken, 0, seen);
  sent++;
  send(batch);
}

function encode(elements: JsonStreamElement[]): AnnotationBatch {
  const numbers = new Float64Array(elements.length * NUMBERS_PER_ANNOTATION);
  const stringStarts = new Int32Array(elements.length);
  const refs: number[] = [];
  const strings: string[] = [];
  const known = new Map<string, number>();
  const ref = (text: string | undefined): number => {
    if (text === undefined) return NO_STRING;
    let at = known.get(text);
    if (at === undefined) {
      at = strings.push(text) - 1;
      known.set(text, at);
    }
    return at;
  };
  const problems: DataProblem[][] = [];
  const problemsBefore: number[] = [];
  let count = 0;
  for (const element of elements) {
    // The fast check first: the element's path is made only for an element with problems.
    const checked = passesFastCheck(schema, element.value) ? { ok: true as const, value: element.value as VqaAnnotation } : validateElement(schema, element.value, file, element.path);
    if (!checked.ok) {
      if (checked.problems.length > 0) {
        problems.push(checked.problems);
        problemsBefore.push(count);
      }
      continue;
    }
    const annotation: VqaAnnotation = checked.value;
    const at = count * NUMBERS_PER_ANNOTATION;
    numbers[at] = annotation.question_id;
    numbers[at + 1] = annotation.image_id;
    numbers[at + 2] = element.index;
    numbers[at + 3] = annotation.answers.length;
    numbers[at + 4] = occurrences.claim(annotation.question_id, element.index) ?? NOT_A_DUPLICATE;
    stringStarts[count] = refs.length;
    refs.push(ref(annotation.question_type), ref(annotation.answer_type), ref(annotation.multiple_choice_answer));
    for (const answer of annotation.answers) refs.push(ref(answer.answer));
    count++;
  }
  return { kind: 'batch', count, numbers, strings, stringRefs: Int32Array.from(refs), stringStarts, problems, problemsBefore };
}

try {
  for await (const elements of streamJsonFileBatches(file, { kind: 'array-under-key', key: 'annotations' })) sendBatch(encode(elements));
  send({ kind: 'end' });
} catch (error) {
  if (error instanceof DataError) {
    send({ kind: 'data-problem', problem: problemFromError(error, file) });
    send({ kind: 'end' });
  } else {
    send({ kind: 'failed', error });
  }
}
