import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsv } from '../../core/csv-format.js';
import { DataError } from '../../core/errors.js';
import type { NightRecord } from './night-record.js';

// The history leaderboard: one row per night × entry × task × shots, appended as each night finishes.
// RFC 4180 like the other leaderboard CSVs (CRLF, quoted where needed, formula cells neutralized) with a fixed column order, so a
// spreadsheet or dataframe reads a year of nights in one go.

export const HISTORY_CSV_FILE = 'leaderboard.csv';

export const HISTORY_COLUMNS = [
  'date',
  'night',
  'label',
  'model',
  'suite',
  'entry',
  'task',
  'split',
  'shots',
  'protocol',
  'metric',
  'score',
  'ci95_low',
  'ci95_high',
  'n',
  'trials',
  'baseline_night',
  'delta',
  'delta_ci95_low',
  'delta_ci95_high',
  'p_value',
  'test',
  'status',
] as const;

type HistoryRow = Record<(typeof HISTORY_COLUMNS)[number], string>;

function number(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(Number(value.toFixed(digits)));
}

/** p-values are kept to 4 significant digits: 0.0000 would hide how small a tiny p is. */
function probability(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(Number(value.toPrecision(4)));
}

export function historyRows(night: NightRecord): HistoryRow[] {
  return night.results.map((result) => {
    const comparison = night.comparisons.find((entry) => entry.entry === result.entry && entry.task === result.task && entry.shots === result.shots);
    return {
      date: night.date,
      night: night.id,
      label: night.label,
      model: night.model,
      suite: night.suite.name,
      entry: result.entry,
      task: result.task,
      split: result.split,
      shots: String(result.shots),
      protocol: result.protocol,
      metric: result.metric,
      score: number(result.score, 4),
      ci95_low: number(result.ci95?.[0], 4),
      ci95_high: number(result.ci95?.[1], 4),
      n: String(result.n),
      trials: String(result.trials),
      baseline_night: night.baseline?.id ?? '',
      delta: number(comparison?.delta, 4),
      delta_ci95_low: number(comparison?.ci95?.[0], 4),
      delta_ci95_high: number(comparison?.ci95?.[1], 4),
      p_value: probability(comparison?.pValue),
      test: comparison?.test ?? '',
      status: comparison?.status ?? (night.baseline ? 'not-compared' : 'no-baseline'),
    };
  });
}

/** Appends the night's rows, writing the header first for a new file; refuses a file with other columns. */
export function appendHistoryCsv(historyFolder: string, night: NightRecord): string {
  const file = path.join(historyFolder, HISTORY_CSV_FILE);
  const exists = existsSync(file) && readFileSync(file, 'utf8').length > 0;
  if (exists) {
    const header = readFileSync(file, 'utf8').split(/\r?\n/, 1)[0];
    if (header !== HISTORY_COLUMNS.join(',')) {
      throw new DataError(`${file}: its header (${header}) is not this version's columns (${HISTORY_COLUMNS.join(',')}); move it aside to start a new file`, file);
    }
  }
  appendFileSync(file, formatCsv(historyRows(night), HISTORY_COLUMNS, { header: !exists }));
  return file;
}
