import { formatCsv } from '../core/csv-format.js';
import type { ShotStyle } from './baselines/baseline-row.js';
import { compareBenchmarks } from './benchmark-names.js';
import type { ProtocolKey } from './baselines/compatibility.js';
import { publishedScoringRule } from './baselines/scoring-rules.js';
import type { Comparison, ComparisonRow } from './compare-rows.js';

// Leaderboard CSVs: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote or line
// break; cells that would start a formula neutralized by core/csv-format.ts), a header row, and a
// column order that never depends on the data, so diffs between nightly files show changed numbers,
// not moved columns.

export const LONG_COLUMNS = [
  'model',
  'kind',
  'benchmark',
  'split',
  'metric',
  'shots',
  'shot_style',
  'demo_selection',
  'trained_on_train_split',
  'score',
  'ci95_low',
  'ci95_high',
  'n',
  'trials',
  'trial_sd',
  'params_b',
  'params_basis',
  'params_certainty',
  'size_adjusted',
  'param_equivalent_b',
  'points_per_b',
  'pareto',
  'dominated_by',
  'notes',
  'source',
  'run_id',
  'date',
] as const;

export type LongRecord = Record<(typeof LONG_COLUMNS)[number], string>;

function number(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(Number(value.toFixed(digits)));
}

function certainty(row: ComparisonRow): string {
  if (row.params === undefined) return '';
  if (row.baseline) return row.baseline.params.certainty;
  return row.result?.params?.source ?? '';
}

export function longRecord(row: ComparisonRow, key: ProtocolKey, basis: string): LongRecord {
  const ours = row.result;
  return {
    model: row.model,
    kind: row.kind === 'ours' ? 'ours' : 'published',
    benchmark: key.benchmark,
    split: ours?.split ?? key.split,
    metric: key.metric,
    shots: String(key.shots),
    shot_style: key.shotStyle,
    demo_selection: key.demoSelection,
    trained_on_train_split: key.trainedOnTrainSplit ? 'yes' : 'no',
    score: number(row.score, 4),
    ci95_low: number(row.ci95?.[0], 4),
    ci95_high: number(row.ci95?.[1], 4),
    n: row.n === undefined ? '' : String(row.n),
    trials: row.trials === undefined ? '' : String(row.trials),
    trial_sd: number(row.trialStandardDeviation, 4),
    params_b: number(row.params, 4),
    params_basis: basis,
    params_certainty: certainty(row),
    size_adjusted: number(row.sizeAdjusted, 2),
    param_equivalent_b: number(row.parameterEquivalent, 3),
    points_per_b: number(row.pointsPerBillion, 3),
    pareto: row.pareto.status,
    dominated_by: row.pareto.status === 'dominated' ? row.pareto.by.join('; ') : '',
    notes: [...row.marks, ...(ours?.protocolNotes ?? [])].join('; '),
    source: row.kind === 'baseline' ? row.source : '',
    run_id: ours?.runId ?? '',
    date: row.date ?? '',
  };
}

export function longRecords(comparison: Comparison, options: { oursOnly?: boolean } = {}): LongRecord[] {
  return comparison.groups.flatMap((group) =>
    group.rows.filter((row) => !options.oursOnly || row.kind === 'ours').map((row) => longRecord(row, group.key, comparison.basis)),
  );
}

/** One row per model × benchmark × shots (× protocol): the format to load into a dataframe. */
export function formatLongCsv(records: readonly LongRecord[]): string {
  return formatCsv(records, LONG_COLUMNS);
}

const styleOrder: Record<ShotStyle, number> = { zero: 0, 'text-two-shot': 1, instruction: 2, few: 3 };

/**
 * A wide column name keeps the protocol in it: Emu2's true zero-shot 33.5 and Emu2-Chat's
 * instruction 84.9 on VQAv2 must not share a column as if they measured the same thing.
 */
export function wideColumn(key: ProtocolKey): string {
  const rule = key.scoringRule && key.scoringRule !== publishedScoringRule(key.benchmark) ? `, scored by ${key.scoringRule}` : '';
  const trained = `${key.trainedOnTrainSplit ? ', trained on train split' : ''}${rule}`;
  if (key.shotStyle === 'text-two-shot') return `${key.benchmark} ${key.shots}* (text-only demos${trained})`;
  if (key.shotStyle === 'instruction') return `${key.benchmark} ${key.shots}-shot (instruction${trained})`;
  if (key.shotStyle === 'few') return `${key.benchmark} ${key.shots}-shot (${key.demoSelection}${trained})`;
  return `${key.benchmark} ${key.shots}-shot${trained ? ` (${trained.slice(2)})` : ''}`;
}

function compareKeys(a: ProtocolKey, b: ProtocolKey): number {
  return (
    compareBenchmarks(a.benchmark, b.benchmark) ||
    a.shots - b.shots ||
    styleOrder[a.shotStyle] - styleOrder[b.shotStyle] ||
    a.demoSelection.localeCompare(b.demoSelection) ||
    Number(a.trainedOnTrainSplit) - Number(b.trainedOnTrainSplit)
  );
}

/** One row per model, one score column per benchmark × shots (× protocol); later runs win a clash. */
export function formatWideCsv(comparison: Comparison): { csv: string; rows: number; clashes: string[] } {
  const keys = new Map<string, ProtocolKey>();
  for (const group of comparison.groups) keys.set(wideColumn(group.key), group.key);
  const scoreColumns = [...keys.entries()].sort((a, b) => compareKeys(a[1], b[1])).map(([name]) => name);
  const models = new Map<string, { record: Record<string, string>; dates: Map<string, string> }>();
  const clashes: string[] = [];
  for (const group of comparison.groups) {
    const column = wideColumn(group.key);
    for (const row of group.rows) {
      const entry = models.get(row.model) ?? {
        record: { model: row.model, kind: row.kind === 'ours' ? 'ours' : 'published', params_b: number(row.params, 4), params_basis: comparison.basis, params_certainty: certainty(row), sources: '', notes: '' },
        dates: new Map<string, string>(),
      };
      const previous = entry.dates.get(column);
      if (previous !== undefined) {
        clashes.push(`${row.model} ${column}: two results; kept the later run`);
        if ((row.date ?? '') < previous) continue;
      }
      entry.record[column] = number(row.score, 4);
      entry.dates.set(column, row.date ?? '');
      const sources = new Set(entry.record.sources ? entry.record.sources.split('; ') : []);
      sources.add(row.source);
      entry.record.sources = [...sources].join('; ');
      const notes = new Set(entry.record.notes ? entry.record.notes.split('; ') : []);
      for (const mark of row.marks) notes.add(mark);
      entry.record.notes = [...notes].join('; ');
      models.set(row.model, entry);
    }
  }
  const columns = ['model', 'kind', 'params_b', 'params_basis', 'params_certainty', ...scoreColumns, 'sources', 'notes'];
  const records = [...models.values()].map(({ record }) => Object.fromEntries(columns.map((column) => [column, record[column] ?? ''])));
  records.sort((a, b) => Number(b.kind === 'ours') - Number(a.kind === 'ours') || a.model!.localeCompare(b.model!));
  return { csv: formatCsv(records, columns), rows: records.length, clashes };
}
