import { CIRCULAR_GROUP_KEY, CIRCULAR_INDEX_KEY } from '../scoring/metrics/circular-accuracy-metric.js';
import { inferChoice } from '../scoring/multiple-choice/infer-choice.js';
import { loadOnFirstUse } from './formats/lazy-load.js';
import type { MmbenchSplit } from './formats/mmbench-split.js';
import { letterPrompts } from './prompts/multiple-choice.js';
import type { SplitInfo, TaskAdapter } from '../core/contracts/task.js';

// MMBench (English) as VLMEvalKit distributes it: one TSV row per CircularEval pass, images inline.
// Scored by CircularEval: a question counts as right only when every rotation of its options is answered
// right, the choice read from the output by VLMEvalKit's can_infer. VLMEvalKit asks ChatGPT when
// can_infer finds nothing; emu-eval has no such judge for MMBench and counts those passes as wrong
// (VLMEvalKit's `exact_matching` mode). The test split writes the .xlsx MMBench's server takes.

const splits: readonly MmbenchSplit[] = [
  { name: 'dev', file: 'MMBench_DEV_EN.tsv', hasAnswers: true },
  { name: 'test', file: 'MMBench_TEST_EN.tsv', hasAnswers: false },
  { name: 'dev-v11', file: 'MMBench_DEV_EN_V11.tsv', hasAnswers: true },
  { name: 'test-v11', file: 'MMBench_TEST_EN_V11.tsv', hasAnswers: false },
];

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
  load: loadOnFirstUse(async () => {
    const { loadMmbench } = await import('./formats/mmbench-split.js');
    return (options) => loadMmbench(splits, options);
  }),
  writeSubmission: async (target, answers) => (await import('./formats/mmbench-split.js')).writeMmbenchSubmission(splits, target, answers),
} satisfies TaskAdapter;
