import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { LoadOptions, MediaBytes, Sample, SplitInfo } from '../../core/contracts/task.js';
import { ImageJoin } from './parquet-image-join.js';
import type { ParquetTaskLayout } from './parquet-layout.js';
import { topLevelColumnsOf } from './parquet-rows.js';
import { imageOfCell, parquetImageSchema, streamParquetValidated, type ValidatedRow } from './parquet-validated.js';
import { FirstOccurrences, ProblemSink } from './problem-sink.js';

/** A split's rows read from its Parquet snapshot, as loadOfficialOrParquet (parquet-task-layout.ts) found it. */
export async function* loadParquetSplit<Row>(layout: ParquetTaskLayout<Row>, split: SplitInfo, groups: string[][], options: LoadOptions): AsyncGenerator<Sample> {
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const [rowFiles, imageFiles] = groups.map((group) => group.map((name) => path.join(dataDir, name)));
  if (!rowFiles) throw new ConfigError(`${layout.taskId}: split ${split.name} declares no Parquet files`);
  // Counting needs no pictures: the image column (and GQA's image files) stay unread.
  const withMedia = !options.countOnly;
  const imageColumns = withMedia && 'columns' in layout.image ? layout.image.columns : [];
  const join = withMedia && 'idOf' in layout.image ? await ImageJoin.open(imageFiles ?? [], sink) : undefined;
  const seen = new FirstOccurrences<string>();
  try {
    for (const file of rowFiles) {
      const optional = await presentColumns(file, layout.optionalColumns ?? []);
      for await (const at of streamParquetValidated([file], [...layout.columns, ...optional, ...imageColumns], layout.rowSchema, sink)) {
        const sample = layout.toSample(at.value, { hasAnswers: split.hasAnswers, at, sink });
        if (!sample) continue;
        const earlier = seen.claim(sample.id, at.row);
        if (earlier !== undefined) {
          sink.report({ file: at.file, field: at.place, message: `duplicate question id ${JSON.stringify(sample.id)}, already used by an earlier row (${earlier} of its file)` });
          continue;
        }
        if ('inRow' in layout.image) {
          yield { ...sample, media: sample.media ?? [] };
          continue;
        }
        if (!withMedia) {
          yield { ...sample, media: [] };
          continue;
        }
        const media = join ? [await join.image((layout.image as { idOf: (row: Row) => string }).idOf(at.value), at)] : inlineImages(at, imageColumns, sink);
        if (!media || media.length === 0 || media.some((image) => image === undefined)) continue;
        yield { ...sample, media: media as MediaBytes[] };
      }
    }
  } finally {
    join?.close();
  }
}

/**
 * The row's images in column order: a cell holds one image or a list of them; an empty cell (null) adds
 * none. Undefined when a cell is not an image (reported); an empty list when the row has no image at all
 * (reported too: every sample of an image task shows one).
 */
function inlineImages(at: ValidatedRow<unknown>, columns: readonly string[], sink: ProblemSink): Array<MediaBytes | undefined> | undefined {
  const images: Array<MediaBytes | undefined> = [];
  for (const column of columns) {
    const cell = at.cells[column];
    if (cell === null || cell === undefined) continue;
    const entries = Array.isArray(cell) ? cell.map((entry, index) => ({ entry, name: `${column}[${index}]` })) : [{ entry: cell, name: column }];
    for (const { entry, name } of entries) {
      const image = parquetImageSchema.safeParse(entry);
      if (!image.success) {
        sink.report({ file: at.file, field: `${at.place}, column ${name}`, message: 'expected an image ({bytes, path})' });
        return undefined;
      }
      images.push(imageOfCell(image.data, at.file, at.place, name, sink));
    }
  }
  if (images.length === 0) sink.report({ file: at.file, field: at.place, message: `no image in ${columns.join(', ')}` });
  return images;
}

async function presentColumns(file: string, wanted: readonly string[]): Promise<string[]> {
  if (wanted.length === 0) return [];
  const present = await topLevelColumnsOf(file).catch(() => [] as string[]);
  return wanted.filter((column) => present.includes(column));
}
