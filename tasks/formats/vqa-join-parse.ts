// The parsing half of the join worker (vqa-join-worker.ts): reads, validates and joins a VQA-format
// split from its files and sends the batches, recording them as the split's prepared entry. Imported
// only when there is no entry to replay, so a replay does not load the JSON reader and the schemas.
import type { DataProblem } from '../../core/contracts/task.js';
import { PreparedSplitRecorder } from './prepared-split-cache.js';
import { ProblemSink } from './problem-sink.js';
import { annotationsInThread } from './vqa-annotation-source.js';
import { VQA_ANNOTATION_SCHEMAS } from './vqa-format-schemas.js';
import { NO_STRING, NUMBERS_PER_SAMPLE, type JoinWorkerInput, type JoinWorkerMessage, type SampleBatch } from './vqa-join-protocol.js';
import { joinVqaQuestions, type JoinedQuestion } from './vqa-join.js';

/** A collecting sink that keeps each report's problems together (a thrown DataError on the main thread carries them all). */
class RecordingSink extends ProblemSink {
  readonly reports: DataProblem[][];
  constructor() {
    const reports: DataProblem[][] = [];
    super((problem) => reports.push([problem]));
    this.reports = reports;
  }
  override reportAll(problems: DataProblem[]): void {
    if (problems.length > 0) this.reports.push(problems);
  }
}

/**
 * Reads the split from its files, sending each batch through `sendBatch` (which keeps the reader's pace)
 * and then 'end', or what came before a failure and then 'failed'. A complete read is stored as the
 * split's prepared entry before 'end' (the reader ends the thread once it has the last batch).
 */
export async function parseSplit(input: JoinWorkerInput, sendBatch: (batch: SampleBatch) => void, send: (message: JoinWorkerMessage) => void): Promise<void> {
  const sink = new RecordingSink();
  /** Records the batches sent while the split is read from its files, to store them as its prepared entry. */
  let recorder: PreparedSplitRecorder | undefined;

  // The batch being filled.
  let count = 0;
  let numbers = new Float64Array(input.samplesPerBatch * NUMBERS_PER_SAMPLE);
  let questions: string[] = [];
  let strings: string[] = [];
  let known = new Map<string, number>();
  let refs: number[] = [];
  let imagePaths: string[] | undefined = input.imagePrefix === undefined ? [] : undefined;
  let problems: DataProblem[][] = [];
  let problemsBefore: number[] = [];

  function ref(text: string | undefined): number {
    if (text === undefined) return NO_STRING;
    let at = known.get(text);
    if (at === undefined) {
      at = strings.push(text) - 1;
      known.set(text, at);
    }
    return at;
  }

  /** Moves the problems reported since the last call into the batch, before the sample to come. */
  function takeProblems(): void {
    for (const report of sink.reports) {
      problems.push(report);
      problemsBefore.push(count);
    }
    sink.reports.length = 0;
  }

  function add({ question, annotation, imagePath }: JoinedQuestion): void {
    takeProblems();
    // The worker only runs for splits with annotations: every joined question has one.
    const { answers } = annotation!;
    const at = count * NUMBERS_PER_SAMPLE;
    numbers[at] = question.question_id;
    numbers[at + 1] = question.image_id;
    numbers[at + 2] = answers.length;
    questions.push(question.question);
    refs.push(ref(annotation!.questionType), ref(annotation!.answerType), ref(annotation!.multipleChoiceAnswer));
    for (const answer of answers) refs.push(ref(answer));
    imagePaths?.push(imagePath!);
    count++;
  }

  function flush(): void {
    takeProblems();
    if (count === 0 && problems.length === 0) return;
    const batch: SampleBatch = { kind: 'batch', count, numbers: numbers.subarray(0, count * NUMBERS_PER_SAMPLE), questions, strings, stringRefs: Int32Array.from(refs), imagePaths, problems, problemsBefore };
    recorder?.add(batch);
    sendBatch(batch);
    count = 0;
    numbers = new Float64Array(input.samplesPerBatch * NUMBERS_PER_SAMPLE);
    questions = [];
    strings = [];
    known = new Map();
    refs = [];
    imagePaths = imagePaths && [];
    problems = [];
    problemsBefore = [];
  }

  try {
    recorder = PreparedSplitRecorder.start(input);
    const annotations = annotationsInThread(input.annotationsFile, VQA_ANNOTATION_SCHEMAS[input.schema], sink, input.expectedAnnotations);
    const joined = joinVqaQuestions({ ...input, annotations, sink });
    for await (const question of joined) {
      add(question);
      if (count === input.samplesPerBatch) flush();
    }
    flush();
    // Before 'end': the reader ends this thread once it has the last batch.
    await recorder?.store();
    send({ kind: 'end', source: 'files' });
  } catch (error) {
    // A failed read stores nothing.
    recorder = undefined;
    // What came before the failure first, as the in-thread path would have yielded and reported it.
    flush();
    send({ kind: 'failed', error });
  }
}
