import { imageFromBytes } from '../../core/media-ref.js';
import type { ParquetTaskLayout } from '../formats/parquet-layout.js';
import { MMMU_PARQUET_FILES } from './snapshot-files.js';
import { MMMU_IMAGE_COLUMNS, mmmuRowSchema, mmmuRowToSample, type MmmuRow } from '../mmmu/mmmu-row.js';

// MMMU as the Hugging Face hub distributes it: MMMU/MMMU keeps one folder per subject
// (`Accounting/validation-00000-of-00001.parquet` …), lmms-lab/MMMU all subjects in `data/`; both match
// `*/<split>-*.parquet`. The rows are the release's own, so the bundled JSON form's rules apply unchanged
// (tasks/mmmu/mmmu-row.ts); the image cells carry the bytes.

const TEXT_COLUMNS = ['id', 'question', 'options', 'answer', 'question_type'] as const;

export const mmmuParquet: ParquetTaskLayout<MmmuRow> = {
  taskId: 'mmmu',
  splits: MMMU_PARQUET_FILES,
  columns: TEXT_COLUMNS,
  optionalColumns: ['explanation', 'img_type', 'topic_difficulty', 'subfield', ...MMMU_IMAGE_COLUMNS],
  rowSchema: mmmuRowSchema,
  image: { inRow: true },
  toSample(row, { hasAnswers, at, sink }) {
    const result = mmmuRowToSample(row, {
      file: at.file,
      field: at.place,
      hasAnswers,
      imageRef(cell, column, report) {
        const origin = { file: at.file, field: `${at.place}, column ${column}` };
        if (!cell.bytes || cell.bytes.length === 0) {
          report({ ...origin, message: `the image has no bytes${cell.path ? ` (it names the file ${JSON.stringify(cell.path)}, which the snapshot does not include)` : ''}` });
          return undefined;
        }
        // A copy, out of its page's buffer (see imageOfCell).
        return imageFromBytes(cell.bytes.slice(), origin);
      },
    });
    if (!result.ok) {
      sink.reportAll(result.problems);
      return undefined;
    }
    return result.sample;
  },
};
