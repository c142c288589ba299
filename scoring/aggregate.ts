import { bootstrapCI, clusteredStandardError, mean, standardError } from './stats.js';
import { corpusBreakdown, corpusSummary, rankedView } from './corpus-aggregate.js';
import { getMetric } from './metrics/registry.js';
import type { ScoredItem } from './metrics/scored-item.js';
import type { SampleRecord, Summary, TaskMetrics } from '../artifact/schema.js';


export interface AggregateContext {
  task: string;
  split: string;
  metric: string;
  normalize: 'official' | 'always';
  /** The scoring rule id (scoring/metrics/index.ts). */
  rule?: string;
  extraction: string;
  shots: number;
  trial: number;
  hasAnswers: boolean;
  seed?: number;
  /** Record meta keys to break the score down by (the task's `breakdowns`), in order. */
  breakdowns?: readonly string[];
  /** Record meta key whose samples are clustered in the CI (the task's `clusterBy`, e.g. videoId). */
  clusterBy?: string;
}

/** Samples sharing difficulty (one video's questions) are not independent: an interval around the clustered standard error. */
interface Clusters {
  ids: readonly string[];
  by: string;
}

/** Each item's score, 0 for none (an error counts as wrong), as a typed array; a plain loop (Float64Array.from with a mapper iterates generically). */
function scoresOf(items: readonly ScoredItem[]): Float64Array {
  const scores = new Float64Array(items.length);
  for (let index = 0; index < items.length; index++) scores[index] = items[index]!.score ?? 0;
  return scores;
}

export function summarize(values: ArrayLike<number>, nErrors: number, seed: number, clusters?: Clusters): Summary {
  if (values.length === 0) return { value: null, ci95: null, standardError: null, n: 0, nErrors };
  const [low, high] = bootstrapCI(values, { seed });
  const value = 100 * mean(values);
  return {
    value,
    ci95: [100 * low, 100 * high],
    standardError: values.length > 1 ? 100 * standardError(values) : null,
    n: values.length,
    nErrors,
    ...(clusters ? { clustered: clusteredSummary(values, clusters, value) } : {}),
  };
}

/** Normal-approximation interval around the clustered standard error; null below two clusters. */
function clusteredSummary(values: ArrayLike<number>, clusters: Clusters, value: number): NonNullable<Summary['clustered']> {
  const error = clusteredStandardError(values, clusters.ids);
  const count = new Set(clusters.ids).size;
  if (!Number.isFinite(error)) return { standardError: null, ci95: null, clusters: count, by: clusters.by };
  const percent = 100 * error;
  return { standardError: percent, ci95: [value - 1.96 * percent, value + 1.96 * percent], clusters: count, by: clusters.by };
}

/** Each item's cluster id when every item has one (a video task's items all name their video), else undefined. */
function clustersOf(items: ScoredItem[], by: string | undefined): Clusters | undefined {
  if (by === undefined || items.length === 0) return undefined;
  const ids = items.map((item) => item.meta[by]);
  return ids.every((id) => typeof id === 'string') ? { ids: ids as string[], by } : undefined;
}

function breakdown(items: ScoredItem[], key: string): Record<string, { value: number; n: number }> | undefined {
  const groups = new Map<string, { sum: number; n: number }>();
  for (const item of items) {
    const group = item.meta[key];
    if (typeof group !== 'string') continue;
    const entry = groups.get(group) ?? { sum: 0, n: 0 };
    entry.sum += item.score ?? 0;
    entry.n += 1;
    groups.set(group, entry);
  }
  if (groups.size === 0) return undefined;
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted.map(([group, { sum, n }]) => [group, { value: (100 * sum) / n, n }]));
}

/**
 * ALL counts an errored sample as wrong; VALID leaves it out. Both are always reported. A corpus metric
 * (ROC AUC) is computed over all samples' `binary` fields, with the mean per-sample score as `accuracy`.
 */
export function aggregate(items: ScoredItem[], context: AggregateContext): TaskMetrics {
  const seed = context.seed ?? 0;
  const { officialReport, aggregation } = getMetric(context.metric);
  let errors = 0;
  for (const item of items) if (item.error) errors++;
  const base = {
    task: context.task,
    split: context.split,
    metric: context.metric,
    normalize: context.normalize,
    ...(context.rule ? { rule: context.rule } : {}),
    extraction: context.extraction,
    shots: context.shots,
    trial: context.trial,
  };
  if (!context.hasAnswers) {
    const empty = { value: null, ci95: null, standardError: null, n: items.length, nErrors: errors };
    return { ...base, all: empty, valid: { ...empty, n: items.length - errors }, breakdowns: {} };
  }
  const allScores = scoresOf(items);
  // With no errors the VALID view holds every item: the same arrays serve both.
  const validItems = errors > 0 ? items.filter((item) => !item.error) : items;
  const validScores = errors > 0 ? scoresOf(validItems) : allScores;
  const breakdowns: TaskMetrics['breakdowns'] = {};
  for (const key of context.breakdowns ?? []) {
    const groups = aggregation === 'mean' ? breakdown(items, key) : corpusBreakdown(aggregation, items, key);
    if (groups) breakdowns[key] = groups;
  }
  if (aggregation !== 'mean') {
    return {
      ...base,
      all: corpusSummary(aggregation, rankedView(items, 'all'), errors, seed),
      valid: corpusSummary(aggregation, rankedView(items, 'valid'), errors, seed),
      breakdowns,
      accuracy: { all: summarize(allScores, errors, seed), valid: summarize(validScores, errors, seed) },
    };
  }
  return {
    ...base,
    all: summarize(allScores, errors, seed, clustersOf(items, context.clusterBy)),
    valid: summarize(validScores, errors, seed, clustersOf(validItems, context.clusterBy)),
    breakdowns,
    ...(officialReport && items.length > 0 ? { official: officialReport(items, context.rule) } : {}),
  };
}

export type { ScoredItem };

/** A sample counts as an error when the model failed on it, or when it was to be graded and no grading succeeded. */
export function isErrorRecord(record: Pick<SampleRecord, 'finishReason' | 'grades' | 'score'>): boolean {
  return record.finishReason === 'error' || (record.grades !== undefined && record.score === null);
}

export function toScoredItem(record: SampleRecord): ScoredItem & { id: string } {
  // One literal with the common fields, the optional ones set in place rather than spread: this runs once per sample.
  const item: ScoredItem & { id: string } = { score: record.score, error: isErrorRecord(record), meta: record.meta, id: record.sampleId };
  if (record.meta.answerable !== undefined) item.extracted = record.extracted;
  if (record.binary) item.binary = record.binary;
  return item;
}
