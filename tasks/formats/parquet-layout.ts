import type { z } from 'zod';
import type { Sample, SplitInfo } from '../../core/contracts/task.js';
import type { ValidatedRow } from './parquet-validated.js';
import type { ProblemSink } from './problem-sink.js';

/**
 * How a task's Parquet snapshot is laid out (the lmms-lab copies on the Hugging Face hub) and how a row
 * becomes a Sample. Rows hold their images in columns (an image each, or a list of images; MMMU-style
 * `image_1` … `image_7` columns with empty ones skipped), or (GQA) name the image by id in a second group
 * of files holding `{id, image}` rows.
 */
export interface ParquetTaskLayout<Row> {
  taskId: string;
  /** Our split name → the files' patterns relative to the data root: question rows, and image rows when they are apart. */
  splits: Record<string, { rows: string; images?: string }>;
  /** Columns every row must have (the schema checks their values). */
  columns: readonly string[];
  /** Columns read when the file has them (breakdown keys some snapshots leave out). */
  optionalColumns?: readonly string[];
  /** The columns above, checked per row; the image column is checked apart (and left unread when only counting). */
  rowSchema: z.ZodType<Row>;
  /** `inRow`: the image cells are columns of the row schema and `toSample` builds the media itself (MMMU's interleaved images). */
  image: { columns: readonly string[] } | { idOf: (row: Row) => string } | { inRow: true };
  /**
   * The sample, without its media unless `image` is `inRow` (whose image columns are read even when only
   * counting: they are part of the row); `hasAnswers` is the split's. Undefined (after reporting to the
   * sink) skips the row.
   */
  toSample(row: Row, context: { hasAnswers: boolean; at: ValidatedRow<Row>; sink: ProblemSink }): (Omit<Sample, 'media'> & { media?: Sample['media'] }) | undefined;
}

/** The splits with the patterns of their Parquet files added, for `data check`, fingerprints and the loader. */
export function withParquetFiles(splits: SplitInfo[], layout: Pick<ParquetTaskLayout<unknown>, 'splits'>): SplitInfo[] {
  return splits.map((split) => {
    const files = layout.splits[split.name];
    return files ? { ...split, parquet: files.images ? [files.rows, files.images] : [files.rows] } : split;
  });
}
