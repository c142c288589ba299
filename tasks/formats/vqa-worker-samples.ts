import { Worker } from 'node:worker_threads';
import type { Sample } from '../../core/contracts/task.js';
import type { ProblemSink } from './problem-sink.js';
import { NO_STRING, NUMBERS_PER_SAMPLE, type JoinBatchesSource, type JoinWorkerInput, type JoinWorkerMessage, type SampleBatch } from './vqa-join-protocol.js';
import { annotationMeta, cocoImageName, vqaSample } from './vqa-sample.js';

// From the TypeScript sources (tests, `npm run emu-eval`) the worker starts through an entry that
// registers tsx; compiled (dist/, what the `emu-eval` command runs) it loads the worker directly.
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './vqa-join-worker-entry.js' : './vqa-join-worker.js', import.meta.url);

export type JoinWorkerSplit = Omit<JoinWorkerInput, 'taken'>;

/** The batches of a split read and joined in a worker thread (vqa-join-worker.ts). */
export interface JoinWorker {
  /** The next batch, or undefined after the last. */
  next(): Promise<SampleBatch | undefined>;
  /** Ends the worker (a consumer that stops early must call it). */
  close(): Promise<void>;
  /** After the last batch: whether the batches were replayed from the split's prepared entry or read from its files. */
  readonly source: JoinBatchesSource | undefined;
}

export function startJoinWorker(input: JoinWorkerSplit): JoinWorker {
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_ENTRY, { workerData: { ...input, taken: taken.buffer } satisfies JoinWorkerInput, execArgv: [] });
  worker.unref();
  const arrived: JoinWorkerMessage[] = [];
  let waiting: (() => void) | undefined;
  let crashed: Error | undefined;
  let finished = false;
  let source: JoinBatchesSource | undefined;
  const wake = () => {
    const resume = waiting;
    waiting = undefined;
    resume?.();
  };
  worker.on('message', (message: JoinWorkerMessage) => {
    arrived.push(message);
    wake();
  });
  worker.on('error', (error) => {
    crashed = error;
    wake();
  });
  worker.on('exit', (code) => {
    if (!finished && code !== 0) crashed ??= new Error(`the reader thread for ${input.questionsFile} stopped (exit code ${code})`);
    wake();
  });

  async function nextMessage(): Promise<JoinWorkerMessage> {
    while (arrived.length === 0) {
      if (crashed) throw crashed;
      // The thread keeps the process alive only while the reader waits for it: a reader abandoned
      // without return() must not hold the process open.
      worker.ref();
      await new Promise<void>((resolve) => (waiting = resolve));
      worker.unref();
    }
    return arrived.shift()!;
  }

  return {
    async next() {
      if (finished) return undefined;
      const message = await nextMessage();
      if (message.kind === 'batch') {
        Atomics.add(taken, 0, 1);
        Atomics.notify(taken, 0);
        return message;
      }
      finished = true;
      if (message.kind === 'failed') throw message.error;
      source = message.source;
      return undefined;
    },
    async close() {
      finished = true;
      await worker.terminate();
    },
    get source() {
      return source;
    },
  };
}

/**
 * The samples of one batch, one per next(): this thread only makes the Sample objects and reports the
 * worker's problems to the sink in their place (in throwing mode the first one throws), so both come
 * as the in-thread path gives them. A cursor rather than a generator: one object less per sample.
 */
export class BatchSamples {
  private sample = 0;
  private problem = 0;
  private ref = 0;
  /** The last image's path: the files list an image's questions one after another (three each in VQAv2). */
  private lastImageId = -1;
  private lastImagePath = '';

  constructor(
    private readonly batch: SampleBatch,
    private readonly split: JoinWorkerSplit,
    private readonly sink: ProblemSink,
  ) {}

  private prefixedImagePath(imagePrefix: string, imageFolder: string, imageId: number): string {
    if (imageId !== this.lastImageId) {
      this.lastImageId = imageId;
      this.lastImagePath = imagePrefix + cocoImageName(imageFolder, imageId);
    }
    return this.lastImagePath;
  }

  /** The next sample, after the problems before it; undefined after the last sample and the problems after it. */
  next(): Sample | undefined {
    const { count, numbers, questions, strings, stringRefs: refs, imagePaths, problems, problemsBefore } = this.batch;
    const sample = this.sample;
    // Problems of the elements before this sample come first, as the files list them.
    while (this.problem < problems.length && problemsBefore[this.problem]! <= sample) this.sink.reportAll(problems[this.problem++]!);
    if (sample === count) return undefined;
    this.sample++;
    const { dataDir, imageFolder, imagePrefix } = this.split;
    const at = sample * NUMBERS_PER_SAMPLE;
    const imageId = numbers[at + 1]!;
    const answerCount = numbers[at + 2]!;
    let ref = this.ref;
    const questionType = strings[refs[ref]!]!;
    const answerType = strings[refs[ref + 1]!]!;
    const multipleChoiceAnswer = refs[ref + 2]!;
    ref += 3;
    const answers = new Array<string>(answerCount);
    for (let answer = 0; answer < answerCount; answer++) answers[answer] = strings[refs[ref++]!]!;
    this.ref = ref;
    const imagePath = imagePrefix !== undefined ? this.prefixedImagePath(imagePrefix, imageFolder, imageId) : imagePaths![sample]!;
    const meta = annotationMeta(imageId, answerType, questionType, multipleChoiceAnswer === NO_STRING ? undefined : strings[multipleChoiceAnswer]);
    return vqaSample(dataDir, imagePath, numbers[at]!, questions[sample]!, answers, meta);
  }
}
