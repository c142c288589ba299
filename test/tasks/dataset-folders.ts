import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import type { DataProblem, LoadOptions, Sample, TaskAdapter } from '../../core/contracts/task.js';

// Shared by the task tests: throwaway dataset folders and small readers of what an adapter yields.

const created: string[] = [];
after(() => {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
});

export function temporaryFolder(prefix = 'emu-eval-tasks-'): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(folder);
  return folder;
}

/**
 * Turns the prepared-split cache off for the calling test file (EMU_EVAL_DATA_CACHE=off): a test of how
 * the VQA join worker parses must parse at every read, and must not fill the user's cache folder.
 */
export function withoutPreparedSplits(): void {
  const saved = process.env.EMU_EVAL_DATA_CACHE;
  before(() => {
    process.env.EMU_EVAL_DATA_CACHE = 'off';
  });
  after(() => {
    if (saved === undefined) delete process.env.EMU_EVAL_DATA_CACHE;
    else process.env.EMU_EVAL_DATA_CACHE = saved;
  });
}

/** A fresh copy of a task's bundled sample, safe to break. */
export function copyOfBundledSample(taskId: string): string {
  const folder = temporaryFolder(`emu-eval-${taskId}-`);
  cpSync(bundledDataDir(getTask(taskId)), folder, { recursive: true });
  return folder;
}

export function writeJsonFile(folder: string, name: string, value: unknown): string {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** A 1×1 JPEG (269 bytes), as sharp writes it. */
export const TINY_JPEG = Buffer.from(
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCcAGo3/9k=',
  'base64',
);

export function writeImage(folder: string, name: string): string {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  // A real 1×1 JPEG: `data check` reads every image's header.
  writeFileSync(file, TINY_JPEG);
  return file;
}

export async function loadAll(task: TaskAdapter, options: LoadOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of task.load(options)) samples.push(sample);
  return samples;
}

/** Loads in collecting mode and returns both what was yielded and every problem reported. */
export async function loadCollecting(task: TaskAdapter, options: Omit<LoadOptions, 'onProblem'>): Promise<{ samples: Sample[]; problems: DataProblem[] }> {
  const problems: DataProblem[] = [];
  const samples = await loadAll(task, { ...options, onProblem: (problem) => problems.push(problem) });
  return { samples, problems };
}

/** Ten VQAv2 answers, all `answer`. */
export function vqaAnswers(answer: string): Array<{ answer: string; answer_confidence: string; answer_id: number }> {
  return Array.from({ length: 10 }, (_, index) => ({ answer, answer_confidence: 'yes', answer_id: index + 1 }));
}

export function vqaAnnotation(questionId: number, imageId: number, answer = 'red'): Record<string, unknown> {
  return {
    question_id: questionId,
    image_id: imageId,
    question_type: 'what color is the',
    answer_type: 'other',
    multiple_choice_answer: answer,
    answers: vqaAnswers(answer),
  };
}

export function cocoImage(folder: string, imageId: number): string {
  return `${folder}/COCO_${folder}_${String(imageId).padStart(12, '0')}.jpg`;
}

/** A minimal VQAv2 val split: questions for the given (question id, image id) pairs, annotations for the same, images present. */
export function writeVqaV2Val(folder: string, pairs: Array<[questionId: number, imageId: number]>, changes: { annotations?: unknown[]; questions?: unknown[] } = {}): void {
  const questions = changes.questions ?? pairs.map(([questionId, imageId]) => ({ image_id: imageId, question: 'What color is the circle?', question_id: questionId }));
  const annotations = changes.annotations ?? pairs.map(([questionId, imageId]) => vqaAnnotation(questionId, imageId));
  writeJsonFile(folder, 'v2_OpenEnded_mscoco_val2014_questions.json', { info: {}, task_type: 'Open-Ended', data_type: 'mscoco', license: {}, data_subtype: 'val2014', questions });
  writeJsonFile(folder, 'v2_mscoco_val2014_annotations.json', { info: {}, license: {}, data_subtype: 'val2014', annotations });
  for (const [, imageId] of pairs) writeImage(folder, cocoImage('val2014', imageId));
}
