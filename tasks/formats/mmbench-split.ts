import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.js';
import type { LoadOptions, Sample, SubmissionTarget, SubmittedAnswer } from '../../core/contracts/task.js';
import { CIRCULAR_GROUP_KEY, CIRCULAR_INDEX_KEY } from '../../scoring/metrics/circular-accuracy-metric.js';
import { questionWithOptions } from '../prompts/multiple-choice.js';
import { mmbenchSubmission } from './mmbench-submission.js';
import { readMmbenchTsv, type MmbenchRow } from './mmbench-tsv.js';
import { openSingleFileSplit } from './split-files.js';

// MMBench's load and submission file (tasks/mmbench.ts), imported by the task's first use of either.

/** A split's TSV, as tasks/mmbench.ts lists them. */
export interface MmbenchSplit {
  name: string;
  file: string;
  hasAnswers: boolean;
}

async function readSplit(splits: readonly MmbenchSplit[], options: Pick<LoadOptions, 'dataDir' | 'split' | 'onProblem'>): Promise<{ file: string; rows: MmbenchRow[]; columns: string[] } | undefined> {
  const opened = await openSingleFileSplit('mmbench', splits, options);
  return opened ? { file: opened.file, ...(await readMmbenchTsv(opened.file, opened.sink)) } : undefined;
}

/** The passes of each question together, questions in the order of their first pass: `--limit N` then takes whole questions. */
function byQuestion(rows: MmbenchRow[]): MmbenchRow[] {
  const groups = new Map<number, MmbenchRow[]>();
  for (const row of rows) groups.set(row.group, [...(groups.get(row.group) ?? []), row]);
  return [...groups.values()].flatMap((passes) => passes.sort((a, b) => a.index - b.index));
}

/** Reads a split; `splits` is the task's table (tasks/mmbench.ts). */
export async function* loadMmbench(splits: readonly MmbenchSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  const read = await readSplit(splits, options);
  if (!read) return;
  for (const row of byQuestion(read.rows)) {
    yield {
      id: String(row.index),
      question: questionWithOptions(row.question, row.options, row.hint),
      answers: row.answer !== undefined ? [row.answer] : [],
      media: [row.image],
      meta: {
        category: row.category,
        l2Category: row.l2Category,
        [CIRCULAR_INDEX_KEY]: row.index,
        [CIRCULAR_GROUP_KEY]: row.group,
        choices: row.options,
      },
    };
  }
}

/** `submission-mmbench-<split>.xlsx`: every row of the TSV, the model's raw output as `prediction` (empty where it errored). */
export async function writeMmbenchSubmission(splits: readonly MmbenchSplit[], target: SubmissionTarget, answers: readonly SubmittedAnswer[]): Promise<string> {
  const read = await readSplit(splits, { dataDir: target.dataDir, split: target.split });
  if (!read) throw new Error(`mmbench ${target.split}: the split file is missing`);
  const outputs = new Map(answers.map((answer) => [answer.id, answer.output]));
  const name = `submission-mmbench-${target.label}.xlsx`;
  const rows = read.rows.map((row) => ({ cells: row.cells, prediction: outputs.get(String(row.index)) ?? '' }));
  writeFileAtomic(path.join(target.runDirectory, name), mmbenchSubmission(read.columns, rows));
  return name;
}
