import { vqaFormatSplitInfos, type VqaFormatLayout } from './formats/vqa-format-layout.js';
import { vqaV2AnnotationSchema } from './formats/vqa-format-schemas.js';
import type { TaskAdapter } from '../core/contracts/task.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import { VQAV2_PARQUET_FILES } from './parquet/snapshot-files.js';

// VQAv2 as distributed at visualqa.org: question and annotation files side by side, COCO images in
// val2014/, train2014/ and test2015/ (test-dev questions use test2015 images).
const layout: VqaFormatLayout = {
  taskId: 'vqav2',
  annotationSchema: vqaV2AnnotationSchema,
  splits: [
    { name: 'val', questionsFile: 'v2_OpenEnded_mscoco_val2014_questions.json', annotationsFile: 'v2_mscoco_val2014_annotations.json', imageFolder: 'val2014' },
    { name: 'train', questionsFile: 'v2_OpenEnded_mscoco_train2014_questions.json', annotationsFile: 'v2_mscoco_train2014_annotations.json', imageFolder: 'train2014' },
    { name: 'testdev', questionsFile: 'v2_OpenEnded_mscoco_test-dev2015_questions.json', imageFolder: 'test2015' },
  ],
};

// Or the lmms-lab Parquet snapshot (tasks/parquet/vqa-format-parquet.ts), when the official files are absent.
const splits = withParquetFiles(vqaFormatSplitInfos(layout), { splits: VQAV2_PARQUET_FILES });

export const vqav2 = {
  id: 'vqav2',
  benchmark: 'VQAv2',
  version: 1,
  modality: 'image',
  metric: 'vqa_accuracy',
  evaluator: 'vqa-eval',
  description: 'VQAv2 open-ended visual question answering on COCO images (10 human answers per question)',
  splits,
  defaultSplit: 'val',
  trainSplit: 'train',
  sampleFolder: 'vqav2',
  recordMeta: ['answerType', 'questionType'],
  breakdowns: ['answerType', 'questionType'],
  // The VQA reader and the Parquet one are imported by the first load (tasks/formats/lazy-load.ts).
  load: officialOrParquetOnFirstUse(splits, async () => {
    const [{ vqav2Parquet }, { loadVqaFormat }] = await Promise.all([import('./parquet/vqa-format-parquet.js'), import('./formats/vqa-format-reader.js')]);
    return { parquet: vqav2Parquet, official: (options) => loadVqaFormat(layout, options) };
  }),
} satisfies TaskAdapter;
