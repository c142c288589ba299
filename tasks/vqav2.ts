import { loadVqaFormat, vqaFormatSplitInfos, type VqaFormatLayout } from './formats/vqa-format-reader.js';
import { vqaV2AnnotationSchema } from './formats/vqa-format-schemas.js';
import type { TaskAdapter } from '../core/contracts/task.js';

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

export const vqav2 = {
  id: 'vqav2',
  benchmark: 'VQAv2',
  version: 1,
  modality: 'image',
  metric: 'vqa_accuracy',
  evaluator: 'vqa-eval',
  description: 'VQAv2 open-ended visual question answering on COCO images (10 human answers per question)',
  splits: vqaFormatSplitInfos(layout),
  defaultSplit: 'val',
  trainSplit: 'train',
  sampleFolder: 'vqav2',
  recordMeta: ['answerType', 'questionType'],
  breakdowns: ['answerType', 'questionType'],
  load: (options) => loadVqaFormat(layout, options),
} satisfies TaskAdapter;
