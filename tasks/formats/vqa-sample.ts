import { resolveInside } from '../../core/safe-path.js';
import type { Sample } from '../../core/contracts/task.js';

// How a joined VQA-format question becomes a Sample: its COCO image path and its meta. Used by both
// ways of reading a split — the join in this thread (vqa-join.ts) and the batches of the worker thread
// (vqa-worker-samples.ts), which needs them without loading the join and its JSON reader.

export function cocoImageName(imageFolder: string, imageId: number): string {
  return `${imageFolder}/COCO_${imageFolder}_${String(imageId).padStart(12, '0')}.jpg`;
}

/**
 * The data root's path prefix for COCO image names when every name is plain (the folder is a plain
 * name and the rest is `COCO_<folder>_<digits>.jpg`): resolveInside would only join root and name, so
 * joining them gives the same path without the per-question checks. Undefined otherwise.
 */
export function cocoImagePrefix(dataDir: string, imageFolder: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(imageFolder)) return undefined;
  const probe = cocoImageName(imageFolder, 0);
  const resolved = resolveInside(dataDir, probe, { file: imageFolder, field: 'imageFolder' });
  return resolved.endsWith(`/${probe}`) ? resolved.slice(0, -probe.length) : undefined;
}

/** The sample of a joined question; `meta` is { imageId } for a split without answers, else annotationMeta(...). */
export function vqaSample(dataDir: string, imagePath: string, questionId: number, question: string, answers: string[], meta: Record<string, unknown>): Sample {
  return { id: String(questionId), question, answers, media: [{ kind: 'image', path: imagePath, root: dataDir }], meta };
}

/** A sample's meta with its annotation's breakdown keys. */
export function annotationMeta(imageId: number, answerType: string, questionType: string, multipleChoiceAnswer: string | undefined): Record<string, unknown> {
  return { imageId, answerType, questionType, multipleChoiceAnswer };
}
