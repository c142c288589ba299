import { bootstrapCI, clusteredStandardError, mean, standardError } from './stats.js';
import { averagePrecision, f1Score, type AnswerabilityItem } from './metrics/vizwiz-answerability.js';
import { predictsUnanswerable } from './metrics/vizwiz-vqa-eval.js';
import { roundHalfEven } from './metrics/python-round.js';
import type { SampleRecord, Summary, TaskMetrics } from '../artifact/schema.js';

/** The per-sample facts aggregation needs; kept small so a 214k-question run aggregates in little memory. */
interface ScoredItem {
  score: number | null;
  error: boolean;
  meta: Record<string, unknown>;
  /** The scored answer; only VizWiz's answerability reads it. */
  extracted?: string;
}

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
}

export function summarize(values: ArrayLike<number>, nErrors: number, seed: number, clusterIds?: readonly string[]): Summary {
  if (values.length === 0) return { value: null, ci95: null, standardError: null, n: 0, nErrors };
  const [low, high] = bootstrapCI(values, { seed });
  const value = 100 * mean(values);
  return {
    value,
    ci95: [100 * low, 100 * high],
    standardError: values.length > 1 ? 100 * standardError(values) : null,
    n: values.length,
    nErrors,
    ...(clusterIds ? { clustered: clusteredSummary(values, clusterIds, value) } : {}),
  };
}

/** Questions about one video share its difficulty: video tasks cluster by the sample's video id. */
const CLUSTER_KEY = 'videoId';

/** Normal-approximation interval around the clustered standard error; null below two clusters. */
function clusteredSummary(values: ArrayLike<number>, clusterIds: readonly string[], value: number): NonNullable<Summary['clustered']> {
  const error = clusteredStandardError(values, clusterIds);
  const clusters = new Set(clusterIds).size;
  if (!Number.isFinite(error)) return { standardError: null, ci95: null, clusters, by: CLUSTER_KEY };
  const percent = 100 * error;
  return { standardError: percent, ci95: [value - 1.96 * percent, value + 1.96 * percent], clusters, by: CLUSTER_KEY };
}

/** Each item's video id when every item has one (video tasks), else undefined. */
function clusterIdsOf(items: ScoredItem[]): string[] | undefined {
  if (items.length === 0 || typeof items[0]!.meta[CLUSTER_KEY] !== 'string') return undefined;
  const ids = items.map((item) => item.meta[CLUSTER_KEY]);
  return items.length > 0 && ids.every((id) => typeof id === 'string') ? (ids as string[]) : undefined;
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
 * The official report: 2-decimal percentages of unrounded per-question accuracies, as vqaEval.py and
 * the VizWiz API compute them (round(100 · sum / n, 2)). The m4c evaluator divides first and then
 * scales (100 · (sum / n)), which can differ in the last bit, so it gets its own order.
 */
function officialReport(items: ScoredItem[], rule: string | undefined): TaskMetrics['official'] {
  const percent = rule === 'm4c-textvqa' ? (sum: number, n: number) => 100 * (sum / n) : (sum: number, n: number) => (100 * sum) / n;
  let sum = 0;
  const perType = new Map<string, { sum: number; n: number }>();
  for (const item of items) {
    const score = item.score ?? 0;
    sum += score;
    const type = item.meta.answerType;
    if (typeof type === 'string') {
      const entry = perType.get(type) ?? { sum: 0, n: 0 };
      entry.sum += score;
      entry.n += 1;
      perType.set(type, entry);
    }
  }
  const unanswerability = rule === 'vizwiz-vqa-eval' ? unanswerabilityReport(items) : undefined;
  return {
    overall: roundHalfEven(percent(sum, items.length), 2),
    perAnswerType: Object.fromEntries([...perType.entries()].map(([type, entry]) => [type, roundHalfEven(percent(entry.sum, entry.n), 2)])),
    ...(unanswerability ? { unanswerability } : {}),
  };
}

/**
 * VizWiz's answerability figures, when every item knows its annotation's `answerable` (runs made
 * before it was recorded do not). An errored sample has an empty answer, which does not say
 * "unanswerable".
 */
function unanswerabilityReport(items: ScoredItem[]): { averagePrecision: number; f1Score: number } | undefined {
  const answerability: AnswerabilityItem[] = [];
  for (const item of items) {
    const answerable = item.meta.answerable;
    if (answerable !== '0' && answerable !== '1') return undefined;
    answerability.push({ unanswerable: answerable === '0', predictedUnanswerable: predictsUnanswerable(item.extracted ?? '') });
  }
  return { averagePrecision: roundHalfEven(100 * averagePrecision(answerability), 2), f1Score: roundHalfEven(100 * f1Score(answerability), 2) };
}

/** ALL counts an errored sample as wrong; VALID leaves it out. Both are always reported. */
export function aggregate(items: ScoredItem[], context: AggregateContext): TaskMetrics {
  const seed = context.seed ?? 0;
  const errors = items.filter((item) => item.error).length;
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
  const allScores = Float64Array.from(items, (item) => item.score ?? 0);
  const validItems = items.filter((item) => !item.error);
  const validScores = Float64Array.from(validItems, (item) => item.score ?? 0);
  const breakdowns: TaskMetrics['breakdowns'] = {};
  for (const key of ['answerType', 'questionType', 'category']) {
    const groups = breakdown(items, key);
    if (groups) breakdowns[key] = groups;
  }
  return {
    ...base,
    all: summarize(allScores, errors, seed, clusterIdsOf(items)),
    valid: summarize(validScores, errors, seed, clusterIdsOf(validItems)),
    breakdowns,
    ...(context.metric === 'vqa_accuracy' && items.length > 0 ? { official: officialReport(items, context.rule) } : {}),
  };
}

export function toScoredItem(record: SampleRecord): ScoredItem {
  const item: ScoredItem = { score: record.score, error: record.finishReason === 'error', meta: record.meta };
  if (record.meta.answerable !== undefined) item.extracted = record.extracted;
  return item;
}
