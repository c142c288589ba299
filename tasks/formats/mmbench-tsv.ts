import type { MediaBytes } from '../../core/contracts/task.js';
import { imageFromBytes } from '../../core/media-ref.js';
import { circularGroupOf } from '../../scoring/multiple-choice/circular-eval.js';
import { isPandasMissing } from './pandas-missing.js';
import type { ProblemSink } from './problem-sink.js';
import { streamTsvFile } from './tsv-records.js';

// MMBench as VLMEvalKit distributes it (MMBench_DEV_EN.tsv, MMBench_TEST_EN.tsv, their _V11 and legacy
// versions): one row per CircularEval pass with columns index, question, hint, A, B, C, D, answer
// (dev only), category, l2-category, split, source, comment, image. `image` holds the base64 JPEG or
// PNG; in the VLMEvalKit files a later pass holds only the index of the row with its picture (a cell of
// at most 64 characters), in the legacy files every pass carries its own copy.

export interface MmbenchRow {
  index: number;
  /** The CircularEval group: `g_index` when the file has it, else index mod 1e6. */
  group: number;
  question: string;
  hint?: string;
  /** Letter → option text, the options pandas reads as present, in letter order. */
  options: Record<string, string>;
  /** The gold letter; absent in the test files. */
  answer?: string;
  category?: string;
  l2Category?: string;
  split?: string;
  source?: string;
  image: MediaBytes;
  /** Every column but `image`, as written: the submission file repeats them next to the prediction. */
  cells: Record<string, string>;
  /** The TSV line the row starts on. */
  line: number;
}

const REQUIRED_COLUMNS = ['index', 'question', 'image'] as const;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// VLMEvalKit's rule: an image cell this short names the row whose image it shares.
const REFERENCE_MAX_LENGTH = 64;

interface PendingRow extends Omit<MmbenchRow, 'image'> {
  imageCell: string;
}

/**
 * Reads every row of an MMBench TSV, resolving image references, in file order. Problems (a missing
 * column, a non-integer or repeated index, an answer that is not one of the options, a reference to a
 * row without its own image, bad base64) go to the sink and skip the row.
 */
export async function readMmbenchTsv(file: string, sink: ProblemSink): Promise<{ rows: MmbenchRow[]; columns: string[] }> {
  let header: string[] | undefined;
  const pending: PendingRow[] = [];
  const seen = new Map<number, number>();
  const images = new Map<string, MediaBytes>();
  for await (const record of streamTsvFile(file)) {
    if (!header) {
      header = record.fields;
      const missing = REQUIRED_COLUMNS.filter((column) => !header!.includes(column));
      if (missing.length > 0) {
        sink.report({ file, field: 'header', message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the header has ${header.join(', ')}` });
        return { rows: [], columns: header };
      }
      continue;
    }
    const where = `line ${record.line}`;
    if (record.fields.length !== header.length) {
      sink.report({ file, field: where, message: `${record.fields.length} cells, the header has ${header.length} columns` });
      continue;
    }
    const cells: Record<string, string> = {};
    header.forEach((column, position) => (cells[column] = record.fields[position]!));
    const row = parseRow(cells, header, file, where, record.line, sink);
    if (!row) continue;
    const earlier = seen.get(row.index);
    if (earlier !== undefined) {
      sink.report({ file, field: `${where}, column index`, message: `index ${row.index} repeats the row on line ${earlier}` });
      continue;
    }
    seen.set(row.index, record.line);
    if (row.imageCell.length > REFERENCE_MAX_LENGTH) {
      const image = decodeImage(row.imageCell, file, `${where}, column image`, sink);
      if (!image) continue;
      images.set(String(row.index), image);
    }
    pending.push(row);
  }
  if (!header) {
    sink.report({ file, message: 'the file is empty; expected a header line with index, question, A, B, ..., image' });
    return { rows: [], columns: [] };
  }
  const rows: MmbenchRow[] = [];
  for (const { imageCell, ...row } of pending) {
    const image = imageCell.length > REFERENCE_MAX_LENGTH ? images.get(String(row.index)) : images.get(imageCell);
    if (!image) {
      sink.report({ file, field: `line ${row.line}, column image`, message: `refers to the image of index ${JSON.stringify(imageCell)}, but no row with that index carries an image` });
      continue;
    }
    rows.push({ ...row, image });
  }
  return { rows, columns: header.filter((column) => column !== 'image') };
}

function parseRow(cells: Record<string, string>, header: string[], file: string, where: string, line: number, sink: ProblemSink): PendingRow | undefined {
  const problems: string[] = [];
  const index = integerCell(cells.index);
  if (index === undefined) problems.push(`column index: expected a whole number, found ${JSON.stringify(cells.index)}`);
  let gIndex: number | undefined;
  if (header.includes('g_index')) {
    gIndex = integerCell(cells.g_index);
    if (gIndex === undefined) problems.push(`column g_index: expected a whole number, found ${JSON.stringify(cells.g_index)}`);
  }
  const options: Record<string, string> = {};
  for (const letter of LETTERS) {
    if (header.includes(letter) && !isPandasMissing(cells[letter])) options[letter] = cells[letter]!;
  }
  if (Object.keys(options).length < 2) problems.push(`expected at least two options (columns A, B, ...), found ${Object.keys(options).length}`);
  const question = cells.question!;
  if (isPandasMissing(question)) problems.push('column question: empty');
  let answer: string | undefined;
  if (header.includes('answer') && !isPandasMissing(cells.answer)) {
    answer = cells.answer!;
    if (!Object.hasOwn(options, answer)) problems.push(`column answer: ${JSON.stringify(answer)} is not one of the options ${Object.keys(options).join(', ')}`);
  }
  const imageCell = isPandasMissing(cells.image) ? '' : cells.image!;
  if (imageCell === '') problems.push('column image: empty');
  else if (imageCell.startsWith('[')) problems.push('column image: a list of images; MMBench questions have one');
  if (problems.length > 0) {
    sink.reportAll(problems.map((message) => ({ file, field: where, message })));
    return undefined;
  }
  const text = (column: string): string | undefined => (header.includes(column) && !isPandasMissing(cells[column]) ? cells[column] : undefined);
  const kept = Object.fromEntries(Object.entries(cells).filter(([column]) => column !== 'image'));
  return {
    index: index!,
    group: circularGroupOf(index!, gIndex),
    question,
    hint: text('hint'),
    options,
    answer,
    category: text('category'),
    l2Category: text('l2-category'),
    split: text('split'),
    source: text('source'),
    cells: kept,
    line,
    imageCell,
  };
}

function integerCell(cell: string | undefined): number | undefined {
  if (cell === undefined || !/^-?\d+$/.test(cell.trim())) return undefined;
  const value = Number(cell.trim());
  return Number.isSafeInteger(value) ? value : undefined;
}

function decodeImage(cell: string, file: string, field: string, sink: ProblemSink): MediaBytes | undefined {
  // Node's decoder skips characters outside the alphabet (and takes the URL-safe `-` and `_`): a cell is
  // base64 when its length is whole quadruples and every character decoded into the expected byte count.
  const padding = cell.endsWith('==') ? 2 : cell.endsWith('=') ? 1 : 0;
  const bytes = cell.length % 4 === 0 && !cell.includes('-') && !cell.includes('_') ? Buffer.from(cell, 'base64') : undefined;
  if (!bytes || bytes.length !== (cell.length / 4) * 3 - padding) {
    sink.report({ file, field, message: `not base64-encoded image bytes (${cell.length} characters starting ${JSON.stringify(cell.slice(0, 16))})` });
    return undefined;
  }
  return imageFromBytes(bytes, { file, field });
}
