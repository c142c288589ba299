import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic-file.js';
import type { TaskAdapter } from '../core/contracts/task.js';

/**
 * Test splits have no public answers: the result is the file EvalAI takes,
 * `[{question_id, answer}]` (VizWiz: `[{image, answer}]`), question ids numeric where they are numbers;
 * or, for tasks declaring `submissionFormat: 'id-to-answer'` (MMMU), `{"<id>": "<answer>", ...}`.
 */
export function writeSubmission(runDirectory: string, task: TaskAdapter, split: string, answers: Array<{ id: string; answer: string }>): string {
  const key = task.submissionKey ?? 'question_id';
  const entries =
    task.submissionFormat === 'id-to-answer'
      ? Object.fromEntries(answers.map(({ id, answer }) => [id, answer]))
      : answers.map(({ id, answer }) => ({ [key]: key === 'question_id' && /^\d+$/.test(id) ? Number(id) : id, answer }));
  const name = `submission-${task.id}-${split}.json`;
  writeJsonAtomic(path.join(runDirectory, name), entries);
  return name;
}
