import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import type { LoadOptions, MediaBytes, Sample, SplitInfo } from '../../core/contracts/task.js';
import { topLevelColumnsOf } from './parquet-rows.js';
import { imageOfCell, parquetImageSchema, streamParquetValidated, type ValidatedRow } from './parquet-validated.js';
import { FirstOccurrences, ProblemSink } from './problem-sink.js';
import { splitSource } from './split-source.js';
import { ImageJoin } from './parquet-image-join.js';

/**
 * How a task's Parquet snapshot is laid out (the lmms-lab copies on the Hugging Face hub) and how a row
 * becomes a Sample. Rows hold their image in `imageColumn`, or (GQA) name it by id in a second group
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
  image: { column: string } | { idOf: (row: Row) => string };
  /** The sample without its media; `hasAnswers` is the split's. Undefined (after reporting to the sink) skips the row. */
  toSample(row: Row, context: { hasAnswers: boolean; at: ValidatedRow<Row>; sink: ProblemSink }): Omit<Sample, 'media'> | undefined;
}

/** The splits with the patterns of their Parquet files added, for `data check`, fingerprints and the loader. */
export function withParquetFiles<Row>(splits: SplitInfo[], layout: ParquetTaskLayout<Row>): SplitInfo[] {
  return splits.map((split) => {
    const files = layout.splits[split.name];
    return files ? { ...split, parquet: files.images ? [files.rows, files.images] : [files.rows] } : split;
  });
}

/** A task's load: the official reader, or the Parquet one when the data folder holds the snapshot instead. */
export function loadOfficialOrParquet<Row>(
  layout: ParquetTaskLayout<Row>,
  splits: SplitInfo[],
  official: (options: LoadOptions) => AsyncIterable<Sample>,
): (options: LoadOptions) => AsyncIterable<Sample> {
  return async function* load(options) {
    const split = splits.find((candidate) => candidate.name === options.split);
    const source = split ? await splitSource(split, path.resolve(options.dataDir)) : undefined;
    if (source?.format !== 'parquet') {
      yield* official(options);
      return;
    }
    yield* loadParquetSplit(layout, split!, source.groups, options);
  };
}

async function* loadParquetSplit<Row>(layout: ParquetTaskLayout<Row>, split: SplitInfo, groups: string[][], options: LoadOptions): AsyncGenerator<Sample> {
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const [rowFiles, imageFiles] = groups.map((group) => group.map((name) => path.join(dataDir, name)));
  if (!rowFiles) throw new ConfigError(`${layout.taskId}: split ${split.name} declares no Parquet files`);
  // Counting needs no pictures: the image column (and GQA's image files) stay unread.
  const withMedia = !options.countOnly;
  const imageColumn = withMedia && 'column' in layout.image ? [layout.image.column] : [];
  const join = withMedia && 'idOf' in layout.image ? await ImageJoin.open(imageFiles ?? [], sink) : undefined;
  const seen = new FirstOccurrences<string>();
  try {
    for (const file of rowFiles) {
      const optional = await presentColumns(file, layout.optionalColumns ?? []);
      for await (const at of streamParquetValidated([file], [...layout.columns, ...optional, ...imageColumn], layout.rowSchema, sink)) {
        const sample = layout.toSample(at.value, { hasAnswers: split.hasAnswers, at, sink });
        if (!sample) continue;
        const earlier = seen.claim(sample.id, at.row);
        if (earlier !== undefined) {
          sink.report({ file: at.file, field: at.place, message: `duplicate question id ${JSON.stringify(sample.id)}, already used by an earlier row (${earlier} of its file)` });
          continue;
        }
        if (!withMedia) {
          yield { ...sample, media: [] };
          continue;
        }
        const image = join ? await join.image((layout.image as { idOf: (row: Row) => string }).idOf(at.value), at) : inlineImage(at, imageColumn[0]!, sink);
        if (!image) continue;
        yield { ...sample, media: [image] };
      }
    }
  } finally {
    join?.close();
  }
}

function inlineImage(at: ValidatedRow<unknown>, column: string, sink: ProblemSink): MediaBytes | undefined {
  const cell = parquetImageSchema.safeParse(at.cells[column]);
  if (!cell.success) {
    sink.report({ file: at.file, field: `${at.place}, column ${column}`, message: 'expected an image ({bytes, path})' });
    return undefined;
  }
  return imageOfCell(cell.data, at.file, at.place, column, sink);
}

async function presentColumns(file: string, wanted: readonly string[]): Promise<string[]> {
  if (wanted.length === 0) return [];
  const present = await topLevelColumnsOf(file).catch(() => [] as string[]);
  return wanted.filter((column) => present.includes(column));
}
