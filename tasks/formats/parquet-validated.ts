import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import { imageFromBytes } from '../../core/media-ref.js';
import type { DataProblem, MediaBytes } from '../../core/contracts/task.js';
import { readParquetRows, rowPlace } from './parquet-rows.js';
import { problemFromError, type ProblemSink } from './problem-sink.js';
import { validateElement } from './validate-element.js';

export interface ValidatedRow<T> {
  value: T;
  file: string;
  row: number;
  /** `row 12 (row group 0)`: the start of every problem's field for this row. */
  place: string;
  /** The row's cells as read, the ones the schema leaves out (an image column) included. */
  cells: Record<string, unknown>;
}

/** The `datasets` Image feature as Parquet stores it: the encoded file, and the name it had. */
export const parquetImageSchema = z.object({
  bytes: z.instanceof(Uint8Array).nullable(),
  path: z.string().nullable().optional(),
});
export type ParquetImage = z.infer<typeof parquetImageSchema>;

/**
 * Streams the rows of several Parquet files (one split), checking each against the schema: a row that
 * fails is reported with file, row, row group and column (`row 12 (row group 0), column answers[3].answer`)
 * and skipped. A file that cannot be read, or lacks a column, is reported once; collecting mode then
 * goes on with the next file.
 */
export async function* streamParquetValidated<T>(files: readonly string[], columns: readonly string[], schema: z.ZodType<T>, sink: ProblemSink): AsyncGenerator<ValidatedRow<T>> {
  for (const file of files) {
    const rows = readParquetRows(file, columns);
    try {
      while (true) {
        let next;
        try {
          next = await rows.next();
        } catch (error) {
          if (!(error instanceof DataError)) throw error;
          sink.report(problemFromError(error, file));
          break;
        }
        if (next.done) break;
        const place = rowPlace(next.value);
        const checked = validateElement(schema, next.value.values, file, '');
        if (!checked.ok) {
          sink.reportAll(checked.problems.map((problem) => inRow(problem, place)));
          continue;
        }
        yield { value: checked.value, file, row: next.value.row, place, cells: next.value.values };
      }
    } finally {
      await rows.return(undefined);
    }
  }
}

function inRow(problem: DataProblem, place: string): DataProblem {
  return { ...problem, field: problem.field ? `${place}, column ${problem.field}` : place };
}

/** The image of one cell as bytes with their origin, or a problem when the row carries no bytes. */
export function imageOfCell(image: ParquetImage, file: string, place: string, column: string, sink: ProblemSink): MediaBytes | undefined {
  const field = `${place}, column ${column}`;
  if (!image.bytes || image.bytes.length === 0) {
    const named = image.path ? ` (it names the file ${JSON.stringify(image.path)}, which the snapshot does not include)` : '';
    sink.report({ file, field, message: `the image has no bytes${named}` });
    return undefined;
  }
  // A copy: the decoded bytes are a view into their page's buffer, which a sample kept past its row
  // group (a few-shot pool, a batch in flight) would otherwise keep alive whole.
  return imageFromBytes(image.bytes.slice(), { file, field });
}
