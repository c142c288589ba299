import type { z } from 'zod';
import type { SplitInfo } from '../../core/contracts/task.js';
import type { VqaAnnotation } from './vqa-format-schemas.js';

// How a VQA-format dataset is laid out, apart from its reader (vqa-format-reader.ts): task modules
// declare their splits with this at start and import the reader only when a split is loaded.

/** One split of a VQA-format dataset (VQAv2, OK-VQA): a questions file, maybe an annotations file, a COCO image folder. */
export interface VqaFormatSplit {
  name: string;
  questionsFile: string;
  /** Absent for test splits, whose answers are held by the evaluation server. */
  annotationsFile?: string;
  /** COCO image folder, also the infix of the file names: `val2014/COCO_val2014_000000262148.jpg`. */
  imageFolder: string;
}

export interface VqaFormatLayout {
  taskId: string;
  splits: readonly VqaFormatSplit[];
  annotationSchema: z.ZodType<VqaAnnotation>;
}

export function vqaFormatSplitInfos(layout: VqaFormatLayout): SplitInfo[] {
  return layout.splits.map((split) => ({
    name: split.name,
    hasAnswers: split.annotationsFile !== undefined,
    files: split.annotationsFile ? [split.questionsFile, split.annotationsFile] : [split.questionsFile],
  }));
}
