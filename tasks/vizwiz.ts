import type { SplitInfo, TaskAdapter } from '../core/contracts/task.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import type { VizWizSplit } from './formats/vizwiz-reader.js';
import { VIZWIZ_PARQUET_FILES } from './parquet/snapshot-files.js';

// VizWiz-VQA: photos taken by blind people, one question per image, so the image file name is the
// question id. Annotation files are JSON lists; test.json carries no answers.

const splits: readonly VizWizSplit[] = [
  { name: 'val', file: 'val.json', imageFolder: 'val', hasAnswers: true },
  { name: 'train', file: 'train.json', imageFolder: 'train', hasAnswers: true },
  { name: 'test', file: 'test.json', imageFolder: 'test', hasAnswers: false },
];

// Or the lmms-lab Parquet snapshot (tasks/parquet/vizwiz-parquet.ts), when the official files are absent.
const splitInfos = withParquetFiles(
  splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: split.hasAnswers, files: [split.file] })),
  { splits: VIZWIZ_PARQUET_FILES },
);

export const vizwiz = {
  id: 'vizwiz',
  benchmark: 'VizWiz',
  // 2: scored by the VizWiz API's rule instead of vqaEval.py's.
  version: 2,
  modality: 'image',
  metric: 'vqa_accuracy',
  evaluator: 'vizwiz-vqa-eval',
  description: 'VizWiz-VQA: questions from blind people about their own photos, some unanswerable (10 human answers)',
  splits: splitInfos,
  defaultSplit: 'val',
  trainSplit: 'train',
  sampleFolder: 'vizwiz',
  recordMeta: ['answerType', 'answerable'],
  breakdowns: ['answerType'],
  submissionKey: 'image',
  load: officialOrParquetOnFirstUse(splitInfos, async () => {
    const [{ vizwizParquet }, { loadVizWiz }] = await Promise.all([import('./parquet/vizwiz-parquet.js'), import('./formats/vizwiz-reader.js')]);
    return { parquet: vizwizParquet, official: (options) => loadVizWiz(splits, options) };
  }),
} satisfies TaskAdapter;
