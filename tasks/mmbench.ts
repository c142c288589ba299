import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import { CIRCULAR_GROUP_KEY, CIRCULAR_INDEX_KEY } from '../scoring/metrics/circular-accuracy-metric.js';
import { inferChoice } from '../scoring/multiple-choice/infer-choice.js';
import { mmbenchSubmission } from './formats/mmbench-submission.js';
import { readMmbenchTsv, type MmbenchRow } from './formats/mmbench-tsv.js';
import { openSingleFileSplit } from './formats/split-files.js';
import { letterPrompts, questionWithOptions } from './prompts/multiple-choice.js';
import type { LoadOptions, Sample, SplitInfo, SubmissionTarget, SubmittedAnswer, TaskAdapter } from '../core/contracts/task.js';

// MMBench (English) as VLMEvalKit distributes it: one TSV row per CircularEval pass, images inline.
// Scored by CircularEval: a question counts as right only when every rotation of its options is answered
// right, the choice read from the output by VLMEvalKit's can_infer. VLMEvalKit asks ChatGPT when
// can_infer finds nothing; emu-eval has no such judge for MMBench and counts those passes as wrong
// (VLMEvalKit's `exact_matching` mode). The test split writes the .xlsx MMBench's server takes.

const splits = [
  { name: 'dev', file: 'MMBench_DEV_EN.tsv', hasAnswers: true },
  { name: 'test', file: 'MMBench_TEST_EN.tsv', hasAnswers: false },
  { name: 'dev-v11', file: 'MMBench_DEV_EN_V11.tsv', hasAnswers: true },
  { name: 'test-v11', file: 'MMBench_TEST_EN_V11.tsv', hasAnswers: false },
] as const;

async function readSplit(options: Pick<LoadOptions, 'dataDir' | 'split' | 'onProblem'>): Promise<{ file: string; rows: MmbenchRow[]; columns: string[] } | undefined> {
  const opened = await openSingleFileSplit('mmbench', splits, options);
  return opened ? { file: opened.file, ...(await readMmbenchTsv(opened.file, opened.sink)) } : undefined;
}

/** The passes of each question together, questions in the order of their first pass: `--limit N` then takes whole questions. */
function byQuestion(rows: MmbenchRow[]): MmbenchRow[] {
  const groups = new Map<number, MmbenchRow[]>();
  for (const row of rows) groups.set(row.group, [...(groups.get(row.group) ?? []), row]);
  return [...groups.values()].flatMap((passes) => passes.sort((a, b) => a.index - b.index));
}

async function* loadMmbench(options: LoadOptions): AsyncGenerator<Sample> {
  const read = await readSplit(options);
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
async function writeMmbenchSubmission(target: SubmissionTarget, answers: readonly SubmittedAnswer[]): Promise<string> {
  const read = await readSplit({ dataDir: target.dataDir, split: target.split });
  if (!read) throw new Error(`mmbench ${target.split}: the split file is missing`);
  const outputs = new Map(answers.map((answer) => [answer.id, answer.output]));
  const name = `submission-mmbench-${target.label}.xlsx`;
  const rows = read.rows.map((row) => ({ cells: row.cells, prediction: outputs.get(String(row.index)) ?? '' }));
  writeFileAtomic(path.join(target.runDirectory, name), mmbenchSubmission(read.columns, rows));
  return name;
}

export const mmbench = {
  id: 'mmbench',
  benchmark: 'MMBench',
  version: 1,
  modality: 'image',
  metric: 'circular_accuracy',
  evaluator: 'mmbench-circular',
  description: "MMBench (English): multiple choice under CircularEval, VLMEvalKit's choice matching; accuracy by ability",
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: split.hasAnswers, files: [split.file] })),
  defaultSplit: 'dev',
  sampleFolder: 'mmbench',
  recordMeta: ['category', 'l2Category', CIRCULAR_INDEX_KEY, CIRCULAR_GROUP_KEY],
  breakdowns: ['l2Category', 'category'],
  parseAnswer: (output, sample) => inferChoice(output, sample.meta.choices as Record<string, string>) || '',
  prompts: letterPrompts,
  load: loadMmbench,
  writeSubmission: writeMmbenchSubmission,
} satisfies TaskAdapter;
