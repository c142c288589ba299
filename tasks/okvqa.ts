import { vqaFormatSplitInfos, type VqaFormatLayout } from './formats/vqa-format-layout.js';
import { okVqaAnnotationSchema } from './formats/vqa-format-schemas.js';
import type { TaskAdapter } from '../core/contracts/task.js';
import { vqav2 } from './vqav2.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import { OKVQA_PARQUET_FILES } from './parquet/snapshot-files.js';

// OK-VQA ships VQA-format files without the `v2_` prefix, over the same COCO 2014 images.
const layout: VqaFormatLayout = {
  taskId: 'okvqa',
  annotationSchema: okVqaAnnotationSchema,
  splits: [
    { name: 'val', questionsFile: 'OpenEnded_mscoco_val2014_questions.json', annotationsFile: 'mscoco_val2014_annotations.json', imageFolder: 'val2014' },
    { name: 'train', questionsFile: 'OpenEnded_mscoco_train2014_questions.json', annotationsFile: 'mscoco_train2014_annotations.json', imageFolder: 'train2014' },
  ],
};

const splits = withParquetFiles(vqaFormatSplitInfos(layout), { splits: OKVQA_PARQUET_FILES });

export const okvqa = {
  ...vqav2,
  id: 'okvqa',
  benchmark: 'OKVQA',
  description: 'OK-VQA: visual questions that need outside knowledge, on COCO images (10 human answers per question)',
  splits,
  sampleFolder: 'okvqa',
  load: officialOrParquetOnFirstUse(splits, async () => {
    const [{ okvqaParquet }, { loadVqaFormat }] = await Promise.all([import('./parquet/vqa-format-parquet.js'), import('./formats/vqa-format-reader.js')]);
    return { parquet: okvqaParquet, official: (options) => loadVqaFormat(layout, options) };
  }),
} satisfies TaskAdapter;
