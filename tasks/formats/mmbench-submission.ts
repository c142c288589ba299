import { xlsxSheet, type CellValue } from '../../core/xlsx-sheet.js';
import { isPandasMissing } from './pandas-missing.js';

// The file MMBench's test server takes (mmbench.opencompass.org.cn/mmbench-submission): what VLMEvalKit's
// inference writes, `{model}_{dataset}.xlsx`: every column of the dataset's TSV but `image`, in the TSV's
// order, one row per CircularEval pass, and a last column `prediction` holding the model's raw output
// (the server extracts the choice itself, with its ChatGPT fallback).

const INTEGER_COLUMNS = new Set(['index', 'g_index']);

export interface SubmissionRow {
  /** The row's cells as read (every column but image). */
  cells: Readonly<Record<string, string>>;
  prediction: string;
}

/** The .xlsx bytes: `columns` (the TSV header without image) + `prediction`, rows in the order given. */
export function mmbenchSubmission(columns: readonly string[], rows: readonly SubmissionRow[]): Buffer {
  const header = [...columns.filter((column) => column !== 'image' && column !== 'prediction'), 'prediction'];
  const body = rows.map((row) =>
    header.map((column): CellValue => {
      if (column === 'prediction') return row.prediction;
      const text = row.cells[column];
      // pandas reads these cells as NaN and writes NaN as an empty cell.
      if (isPandasMissing(text)) return null;
      return INTEGER_COLUMNS.has(column) ? Number(text) : text;
    }),
  );
  return xlsxSheet(header, body);
}
