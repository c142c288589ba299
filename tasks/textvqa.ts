import type { SplitInfo, TaskAdapter } from '../core/contracts/task.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import type { TextVqaSplit } from './formats/textvqa-reader.js';
import { TEXTVQA_PARQUET_FILES } from './parquet/snapshot-files.js';

// TextVQA 0.5.1: questions that need reading text in OpenImages photos. The official download keeps
// validation images in train_images/ (train_val_images.zip), named <image_id>.jpg.

const splits: readonly TextVqaSplit[] = [
  { name: 'val', file: 'TextVQA_0.5.1_val.json', imageFolder: 'train_images' },
  { name: 'train', file: 'TextVQA_0.5.1_train.json', imageFolder: 'train_images' },
];

// Or the lmms-lab Parquet snapshot (tasks/parquet/textvqa-parquet.ts), when the official files are absent.
const splitInfos = withParquetFiles(
  splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  { splits: TEXTVQA_PARQUET_FILES },
);

export const textvqa = {
  id: 'textvqa',
  benchmark: 'TextVQA',
  // 2: scored by the m4c TextVQA evaluator's rule instead of vqaEval.py's.
  version: 2,
  modality: 'image',
  metric: 'vqa_accuracy',
  evaluator: 'm4c-textvqa',
  description: 'TextVQA 0.5.1: questions that need reading text in the image (10 human answers)',
  splits: splitInfos,
  defaultSplit: 'val',
  trainSplit: 'train',
  sampleFolder: 'textvqa',
  recordMeta: [],
  breakdowns: [],
  load: officialOrParquetOnFirstUse(splitInfos, async () => {
    const [{ textvqaParquet }, { loadTextVqa }] = await Promise.all([import('./parquet/textvqa-parquet.js'), import('./formats/textvqa-reader.js')]);
    return { parquet: textvqaParquet, official: (options) => loadTextVqa(splits, options) };
  }),
} satisfies TaskAdapter;
