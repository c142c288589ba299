import { getMetric } from './metrics/registry.js';
import type { ScoredItem } from './metrics/scored-item.js';

/**
 * The units a metric counts: the samples themselves, or what the metric combines them into (MMBench's
 * CircularEval: one unit per question, from all its passes). Splits without answers have nothing to combine.
 */
export function scoredUnits(items: ScoredItem[], metric: string, hasAnswers: boolean): ScoredItem[] {
  const { units } = getMetric(metric);
  return units && hasAnswers ? units(items) : items;
}
