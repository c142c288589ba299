import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { resolveInside } from '../../core/safe-path.js';
import type { LoadOptions, Sample, SplitInfo } from '../../core/contracts/task.js';
import { FirstNumberOccurrences, ProblemSink } from './problem-sink.js';
import { findSplit, locateSplitFiles } from './split-files.js';
import { INVALID, streamElementBatches, validValue } from './validated-stream.js';
import { WAIT, annotationsInThread, annotationsInWorker, workerSchemaName, type AnnotationSource, type JoinAnnotation } from './vqa-annotation-source.js';
import { vqaQuestionSchema, type VqaAnnotation } from './vqa-format-schemas.js';

/** One split of a VQA-format dataset (VQAv2, OK-VQA): a questions file, maybe an annotations file, a COCO image folder. */
export interface VqaFormatSplit {
  name: string;
  questionsFile: string;
  /** Absent for test splits, whose answers are held by the evaluation server. */
  annotationsFile?: string;
  /** COCO image folder, also the infix of the file names: `val2014/COCO_val2014_000000262148.jpg`. */
  imageFolder: string;
}

export interface VqaFormatLayout {
  taskId: string;
  splits: readonly VqaFormatSplit[];
  annotationSchema: z.ZodType<VqaAnnotation>;
}

export function vqaFormatSplitInfos(layout: VqaFormatLayout): SplitInfo[] {
  return layout.splits.map((split) => ({
    name: split.name,
    hasAnswers: split.annotationsFile !== undefined,
    files: split.annotationsFile ? [split.questionsFile, split.annotationsFile] : [split.questionsFile],
  }));
}

export function cocoImageName(imageFolder: string, imageId: number): string {
  return `${imageFolder}/COCO_${imageFolder}_${String(imageId).padStart(12, '0')}.jpg`;
}

export interface VqaReaderOptions {
  /** Annotations files at least this large are read in a worker thread (tests lower it to reach that path with small files). */
  workerMinBytes?: number;
}

/** Below this size a worker thread's start-up costs more than reading the file beside the questions saves. */
const ANNOTATIONS_WORKER_MIN_BYTES = 8 << 20;

/**
 * Bytes per element in the official files, a little under (VQAv2 val: 84 per question, 711 per
 * annotation): the file size over these estimates the count, to size the duplicate-id tables at once.
 */
const QUESTION_BYTES_ESTIMATE = 80;
const ANNOTATION_BYTES_ESTIMATE = 600;

async function openAnnotations(schema: z.ZodType<VqaAnnotation>, file: string, sink: ProblemSink, options: VqaReaderOptions): Promise<AnnotationSource> {
  const schemaName = workerSchemaName(schema);
  const size = (await stat(file)).size;
  const expectedAnnotations = Math.floor(size / ANNOTATION_BYTES_ESTIMATE);
  if (schemaName !== undefined && size >= (options.workerMinBytes ?? ANNOTATIONS_WORKER_MIN_BYTES)) return annotationsInWorker(file, schemaName, sink, expectedAnnotations);
  return annotationsInThread(file, schema, sink, expectedAnnotations);
}

/**
 * The data root's path prefix for COCO image names when every name is plain (the folder is a plain
 * name and the rest is `COCO_<folder>_<digits>.jpg`): resolveInside would only join root and name, so
 * joining them here gives the same path without the per-question checks. Undefined otherwise.
 */
function cocoImagePaths(dataDir: string, imageFolder: string): { prefix: string | undefined } {
  if (!/^[A-Za-z0-9_-]+$/.test(imageFolder)) return { prefix: undefined };
  const probe = cocoImageName(imageFolder, 0);
  const resolved = resolveInside(dataDir, probe, { file: imageFolder, field: 'imageFolder' });
  return { prefix: resolved.endsWith(`/${probe}`) ? resolved.slice(0, -probe.length) : undefined };
}

/** resolveInside for one question's image; a name that leaves the data root is reported (undefined). */
function checkedImagePath(dataDir: string, imageName: string, questionsFile: string, questionPath: string, sink: ProblemSink): string | undefined {
  return sink.attempt(() => resolveInside(dataDir, imageName, { file: questionsFile, field: `${questionPath}.image_id` }), questionsFile);
}

function annotationPath(annotation: JoinAnnotation): string {
  return `annotations[${annotation.index}]`;
}

/**
 * Joins questions and annotations by question_id and yields samples in questions-file order.
 * The official files list both in the same order, so annotations are read in step with the questions
 * and only the ones that run ahead are held in memory; a reordered file still works, at the cost of
 * buffering.
 */
export async function* loadVqaFormat(layout: VqaFormatLayout, options: LoadOptions, readerOptions: VqaReaderOptions = {}): AsyncGenerator<Sample> {
  const split = findSplit(layout.taskId, layout.splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const splitInfo = vqaFormatSplitInfos(layout).find((info) => info.name === split.name)!;
  const files = await locateSplitFiles(layout.taskId, splitInfo, dataDir, sink);
  if (!files) return;
  const [questionsFile, annotationsFile] = files;

  const annotations = annotationsFile ? await openAnnotations(layout.annotationSchema, annotationsFile, sink, readerOptions) : undefined;
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
  const imagePaths = cocoImagePaths(dataDir, split.imageFolder);
  try {
    // One async step per read chunk of questions (and none per annotation already read), not per question.
    for await (const batch of streamElementBatches(questionsFile, { kind: 'array-under-key', key: 'questions' }, sink)) {
      for (const element of batch) {
        const question = validValue(vqaQuestionSchema, element, questionsFile, sink);
        if (question === INVALID) continue;
        const index = element.index;
        const earlier = questionOccurrences.claim(question.question_id, index);
        if (earlier !== undefined) {
          sink.report({
            file: questionsFile,
            field: `${element.path}.question_id`,
            message: `duplicate question_id ${question.question_id}, already used by questions[${earlier}]`,
          });
          continue;
        }
        const imageName = cocoImageName(split.imageFolder, question.image_id);
        const imagePath = imagePaths.prefix !== undefined ? imagePaths.prefix + imageName : checkedImagePath(dataDir, imageName, questionsFile, element.path, sink);
        let answers: string[] = [];
        let meta: Record<string, unknown> = { imageId: question.image_id };
        if (annotationsFile) {
          const ready = takeReadAnnotation(question.question_id);
          const match = ready === WAIT ? await takeAnnotation(question.question_id) : ready;
          if (!match) {
            sink.report({
              file: questionsFile,
              field: `${element.path}.question_id`,
              message: `question_id ${question.question_id} has no annotation in ${annotationsFile}`,
            });
            continue;
          }
          if (match.imageId !== question.image_id) {
            sink.report({
              file: annotationsFile,
              field: `${annotationPath(match)}.image_id`,
              message: `expected image_id ${question.image_id} as in ${element.path} of ${questionsFile}, found ${match.imageId}`,
            });
            continue;
          }
          answers = match.answers;
          meta = { imageId: question.image_id, answerType: match.answerType, questionType: match.questionType, multipleChoiceAnswer: match.multipleChoiceAnswer };
        }
        if (imagePath === undefined) continue;
        yield {
          id: String(question.question_id),
          question: question.question,
          answers,
          media: [{ kind: 'image', path: imagePath, root: dataDir }],
          meta,
        };
      }
    }
    if (annotationsFile) await reportUnmatchedAnnotations(takeAnnotation, pending, annotationsFile, questionsFile, sink);
  } finally {
    await annotations?.close();
  }
}

async function reportUnmatchedAnnotations(
  takeAnnotation: (questionId: number) => Promise<JoinAnnotation | undefined>,
  pending: Map<number, JoinAnnotation>,
  annotationsFile: string,
  questionsFile: string,
  sink: ProblemSink,
): Promise<void> {
  // No question id is negative, so asking for -1 drains the rest of the annotations file into `pending`.
  await takeAnnotation(-1);
  for (const [questionId, annotation] of pending) {
    sink.report({
      file: annotationsFile,
      field: `${annotationPath(annotation)}.question_id`,
      message: `annotation for question_id ${questionId} has no question in ${questionsFile}`,
    });
  }
}
