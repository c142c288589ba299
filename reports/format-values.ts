import type { ProtocolKey } from './baselines/compatibility.js';
import type { ComparisonRow } from './compare-rows.js';
import { formatBillions } from './normalize.js';

// One wording of every value for the terminal, Markdown and HTML, so the three never disagree.

export const MISSING = '-';

export function formatScore(row: Pick<ComparisonRow, 'score' | 'kind'>): string {
  if (row.score === null) return MISSING;
  // Published numbers keep the precision they were published with.
  return row.kind === 'baseline' ? row.score.toFixed(1) : row.score.toFixed(2);
}

export function formatInterval(row: Pick<ComparisonRow, 'ci95' | 'trials' | 'trialStandardDeviation'>): string {
  if (row.ci95) return `${row.ci95[0].toFixed(1)}–${row.ci95[1].toFixed(1)}`;
  if (row.trialStandardDeviation !== null && row.trials !== undefined) return `±${row.trialStandardDeviation.toFixed(2)} sd, ${row.trials} trials`;
  return MISSING;
}

/** `~` marks a derived count and `?` an uncertain one (docs/protocols.md#published-baselines: say so wherever shown). */
export function formatParams(row: Pick<ComparisonRow, 'params' | 'baseline'>): string {
  if (row.params === undefined) return MISSING;
  const certainty = row.baseline?.params.certainty;
  const marker = certainty === 'derived' ? '~' : certainty === 'uncertain' ? '?' : '';
  return `${marker}${formatBillions(row.params)}`;
}

export function formatSigned(value: number | null): string {
  if (value === null) return MISSING;
  const text = Math.abs(value).toFixed(1);
  if (text === '0.0') return '0.0';
  return value > 0 ? `+${text}` : `−${text}`;
}

export function formatParameterEquivalent(value: number | null): string {
  return value === null ? MISSING : formatBillions(value);
}

export function formatPointsPerBillion(value: number | null): string {
  if (value === null) return MISSING;
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatPareto(row: Pick<ComparisonRow, 'pareto'>): string {
  switch (row.pareto.status) {
    case 'frontier':
      return 'frontier';
    case 'dominated':
      return `dominated by ${row.pareto.by.join(', ')}`;
    case 'unknown':
      return MISSING;
    case 'not ranked':
      return 'not ranked';
  }
}

/** Shots as tables print them: Flamingo's text-two-shot zero-shot is 0*. */
export function formatShots(key: Pick<ProtocolKey, 'shots' | 'shotStyle'>): string {
  return key.shotStyle === 'text-two-shot' ? `${key.shots}*` : String(key.shots);
}

export function formatParamsNote(row: Pick<ComparisonRow, 'paramsNote' | 'kind'>): string | undefined {
  return row.kind === 'ours' ? row.paramsNote : undefined;
}

/** Legend lines that explain the table's markers and columns. */
export const LEGEND = [
  'size-adj.: points above (+) or below (−) the size trend at this parameter count',
  'param-equiv.: parameters a model on the trend would need for this score',
  'pts/B: score per billion parameters; ~ derived count, ? uncertain count',
];
