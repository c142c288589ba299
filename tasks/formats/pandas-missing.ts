// pandas.read_csv turns these cell texts into NaN by default (pandas' STR_NA_VALUES). VLMEvalKit reads
// MMBench's TSV with those defaults and treats a NaN option as absent and a NaN hint as no hint, so an
// option written `None` or `NA` is not shown to the model: emu-eval reads the cells the same way.
const PANDAS_NA_VALUES = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

/** Whether pandas' default read_csv would read this cell as missing (NaN). */
export function isPandasMissing(cell: string | undefined): boolean {
  return cell === undefined || PANDAS_NA_VALUES.has(cell);
}
