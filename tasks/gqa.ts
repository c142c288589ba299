import type { SplitInfo, TaskAdapter } from '../core/contracts/task.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import type { GqaSplit } from './formats/gqa-reader.js';
import { GQA_PARQUET_FILES } from './parquet/snapshot-files.js';

// GQA balanced questions: one top-level object keyed by question id, images/<imageId>.jpg.
// Scored by exact match against the single short answer.

const splits: readonly GqaSplit[] = [
  { name: 'testdev', file: 'testdev_balanced_questions.json' },
  { name: 'train', file: 'train_balanced_questions.json' },
];

// Or the lmms-lab Parquet snapshot (tasks/parquet/gqa-parquet.ts), when the official files are absent.
const splitInfos = withParquetFiles(
  splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  { splits: GQA_PARQUET_FILES },
);

export const gqa = {
  id: 'gqa',
  benchmark: 'GQA',
  // 2: scored by the GQA release's eval.py (exact string equality) instead of normalized exact match.
  version: 2,
  modality: 'image',
  metric: 'exact_match',
  evaluator: 'gqa-eval',
  description: 'GQA balanced: compositional questions about real scenes, scored by exact match on one answer',
  splits: splitInfos,
  defaultSplit: 'testdev',
  trainSplit: 'train',
  sampleFolder: 'gqa',
  recordMeta: ['questionType'],
  breakdowns: ['questionType'],
  load: officialOrParquetOnFirstUse(splitInfos, async () => {
    const [{ gqaParquet }, { loadGqa }] = await Promise.all([import('./parquet/gqa-parquet.js'), import('./formats/gqa-reader.js')]);
    return { parquet: gqaParquet, official: (options) => loadGqa(splits, options) };
  }),
} satisfies TaskAdapter;
