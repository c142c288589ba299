// The open registry of metrics: a task names one by id (TaskAdapter.metric), scoring rules name the
// metric they score, aggregation and reports look its declaration up here (docs/adding-a-task.md#metrics).

import { ConfigError } from '../../core/errors.js';
import { choiceAccuracyMetric } from './choice-accuracy-metric.js';
import { circularAccuracyMetric } from './circular-accuracy-metric.js';
import { exactMatchMetric } from './exact-match-metric.js';
import type { MetricDefinition } from './metric-definition.js';
import { mmVetScoreMetric } from './mm-vet-score-metric.js';
import { mmmuAccuracyMetric } from './mmmu-accuracy-metric.js';
import { rocAucMetric } from './roc-auc-metric.js';
import { vqaAccuracyMetric } from './vqa-accuracy-metric.js';

export const metrics: Readonly<Record<string, MetricDefinition>> = {
  vqa_accuracy: vqaAccuracyMetric,
  exact_match: exactMatchMetric,
  mmmu_accuracy: mmmuAccuracyMetric,
  mm_vet_score: mmVetScoreMetric,
  roc_auc: rocAucMetric,
  choice_accuracy: choiceAccuracyMetric,
  circular_accuracy: circularAccuracyMetric,
};

/** A registered metric; a ConfigError names an unknown one (a task or an artifact naming a metric this version lacks). */
export function getMetric(id: string): MetricDefinition {
  const metric = Object.hasOwn(metrics, id) ? metrics[id] : undefined;
  if (!metric) throw new ConfigError(`unknown metric "${id}"; registered metrics: ${Object.keys(metrics).join(', ')}`);
  return metric;
}

/** A metric's label, or `<id> (%)` for one this version does not know (read from an old or newer artifact). */
export function metricLabel(id: string): string {
  return Object.hasOwn(metrics, id) ? metrics[id]!.label : `${id} (%)`;
}

/**
 * Whether a metric is computed over the whole corpus (ROC AUC) rather than as a mean of per-sample
 * scores: paired per-sample comparisons and averages of sample scores do not apply to it. False for
 * ids this version does not know.
 */
export function isCorpusMetric(id: string): boolean {
  return Object.hasOwn(metrics, id) && metrics[id]!.aggregation !== 'mean';
}
