import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';
import { ProblemSink } from './problem-sink.js';
import { findSplit, locateSplitFiles } from './split-files.js';
import type { AnnotationSource } from './vqa-annotation-source.js';
import { workerSchemaName } from './vqa-format-schemas.js';
import { annotationMeta, cocoImageName, cocoImagePrefix, vqaSample } from './vqa-sample.js';
import { SAMPLES_PER_BATCH, type JoinBatchesSource } from './vqa-join-protocol.js';
import { BatchSamples, startJoinWorker, type JoinWorkerSplit } from './vqa-worker-samples.js';
import { vqaFormatSplitInfos, type VqaFormatLayout } from './vqa-format-layout.js';

export { vqaFormatSplitInfos, type VqaFormatLayout, type VqaFormatSplit } from './vqa-format-layout.js';

export interface VqaReaderOptions {
  /** A split whose annotations file is at least this large is read and joined in a worker thread (tests lower it to reach that path with small files). */
  workerMinBytes?: number;
  /** Samples per message from that worker (tests lower it to cross message boundaries with small files). */
  workerBatchSamples?: number;
  /** Told, when that worker has sent the whole split, whether it replayed the split's prepared entry or read the files. */
  onWorkerEnd?: (source: JoinBatchesSource) => void;
}

/** Below this size (of the annotations file) a worker thread's start-up costs more than reading the split beside the main thread saves. */
const ANNOTATIONS_WORKER_MIN_BYTES = 8 << 20;

/**
 * Bytes per annotation in the official files, a little under (VQAv2 val: 711): the file size over this
 * estimates the count, to size the duplicate-id table at once.
 */
const ANNOTATION_BYTES_ESTIMATE = 600;

/**
 * Joins questions and annotations by question_id and yields samples in questions-file order
 * (joinVqaQuestions). A split whose annotations file is large is read and joined in a worker thread,
 * which sends the samples ready to make; the problems come in the same order either way.
 */
export async function* loadVqaFormat(layout: VqaFormatLayout, options: LoadOptions, readerOptions: VqaReaderOptions = {}): AsyncGenerator<Sample> {
  const split = findSplit(layout.taskId, layout.splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const splitInfo = vqaFormatSplitInfos(layout).find((info) => info.name === split.name)!;
  const files = await locateSplitFiles(layout.taskId, splitInfo, dataDir, sink);
  if (!files) return;
  const [questionsFile, annotationsFile] = files;
  const samplesPerBatch = readerOptions.workerBatchSamples ?? SAMPLES_PER_BATCH;
  if (!(Number.isSafeInteger(samplesPerBatch) && samplesPerBatch > 0)) throw new RangeError(`workerBatchSamples must be a positive integer, found ${samplesPerBatch}`);
  const imageFolder = split.imageFolder;
  const imagePrefix = cocoImagePrefix(dataDir, imageFolder);
  let annotations: AnnotationSource | undefined;
  if (annotationsFile) {
    const size = (await stat(annotationsFile)).size;
    const expectedAnnotations = Math.floor(size / ANNOTATION_BYTES_ESTIMATE);
    const schemaName = workerSchemaName(layout.annotationSchema);
    if (schemaName !== undefined && size >= (readerOptions.workerMinBytes ?? ANNOTATIONS_WORKER_MIN_BYTES)) {
      const workerSplit: JoinWorkerSplit = { dataDir, questionsFile, annotationsFile, schema: schemaName, imageFolder, imagePrefix, expectedAnnotations, samplesPerBatch };
      const worker = startJoinWorker(workerSplit);
      try {
        for (let batch = await worker.next(); batch; batch = await worker.next()) {
          const samples = new BatchSamples(batch, workerSplit, sink);
          for (let sample = samples.next(); sample; sample = samples.next()) yield sample;
        }
        readerOptions.onWorkerEnd?.(worker.source!);
      } finally {
        await worker.close();
      }
      return;
    }
    // A split read in this thread: its JSON reader and join are loaded only now (a big split's worker has its own).
    const { annotationsInThread } = await import('./vqa-annotation-source.js');
    annotations = annotationsInThread(annotationsFile, layout.annotationSchema, sink, expectedAnnotations);
  }
  const { joinVqaQuestions } = await import('./vqa-join.js');
  try {
    for await (const { question, annotation, imagePath } of joinVqaQuestions({ dataDir, questionsFile, annotationsFile, annotations, imageFolder, imagePrefix, sink })) {
      const imageId = question.image_id;
      const meta = annotation ? annotationMeta(imageId, annotation.answerType, annotation.questionType, annotation.multipleChoiceAnswer) : { imageId };
      yield vqaSample(dataDir, imagePath ?? imagePrefix + cocoImageName(imageFolder, imageId), question.question_id, question.question, annotation ? annotation.answers : [], meta);
    }
  } finally {
    await annotations?.close();
  }
}
