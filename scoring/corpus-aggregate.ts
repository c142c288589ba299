// Corpus-level metrics (ROC AUC): the value is computed over all samples at once from each record's
// `binary` field, never as a mean of per-sample scores. The per-sample scores' mean (accuracy of the
// predictions) is reported beside it. Pure.
import type { Summary, TaskMetrics } from '../artifact/schema.js';
import type { CorpusAggregation } from './metrics/metric-definition.js';
import type { ScoredItem } from './metrics/scored-item.js';

interface Ranked {
  labels: Uint8Array;
  scores: Float64Array;
}

/**
 * The labels and scores of a view. ALL keeps every labelled sample and ranks an errored one as wrong:
 * a positive below every other sample (score −∞), a negative above (+∞), the ranking counterpart of
 * "an error scores 0". VALID leaves errored samples out.
 */
export function rankedView(items: readonly ScoredItem[], view: 'all' | 'valid'): Ranked {
  const kept = items.filter((item) => item.binary !== undefined && (view === 'all' || (!item.error && item.binary.score !== undefined)));
  return {
    labels: Uint8Array.from(kept, (item) => item.binary!.label),
    scores: Float64Array.from(kept, (item) => (item.error || item.binary!.score === undefined ? (item.binary!.label === 1 ? -Infinity : Infinity) : item.binary!.score)),
  };
}

/** The view's value, interval and standard error in percent; null where undefined (one class only, no samples). */
export function corpusSummary(aggregation: CorpusAggregation, ranked: Ranked, nErrors: number, seed: number): Summary {
  const n = ranked.labels.length;
  const value = n > 0 ? aggregation.value(ranked.labels, ranked.scores) : Number.NaN;
  if (Number.isNaN(value)) return { value: null, ci95: null, standardError: null, n, nErrors };
  const { ci95, standardError } = aggregation.bootstrap(ranked.labels, ranked.scores, seed);
  return {
    value: 100 * value,
    ci95: Number.isNaN(ci95[0]) ? null : [100 * ci95[0], 100 * ci95[1]],
    standardError: Number.isNaN(standardError) ? null : 100 * standardError,
    n,
    nErrors,
  };
}

/** Per group of a record meta key: the metric over the group's samples (ALL view); groups where it is undefined are left out. */
export function corpusBreakdown(aggregation: CorpusAggregation, items: readonly ScoredItem[], key: string): TaskMetrics['breakdowns'][string] | undefined {
  const groups = new Map<string, ScoredItem[]>();
  for (const item of items) {
    const group = item.meta[key];
    if (typeof group !== 'string') continue;
    const members = groups.get(group);
    if (members) members.push(item);
    else groups.set(group, [item]);
  }
  const entries: Array<[string, { value: number; n: number }]> = [];
  for (const [group, members] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ranked = rankedView(members, 'all');
    const value = ranked.labels.length > 0 ? aggregation.value(ranked.labels, ranked.scores) : Number.NaN;
    if (!Number.isNaN(value)) entries.push([group, { value: 100 * value, n: ranked.labels.length }]);
  }
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
