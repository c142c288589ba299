import type { MetricDefinition } from './metric-definition.js';

/** 1 when the prediction equals a gold answer under the task's rule, else 0. */
export const exactMatchMetric: MetricDefinition = {
  id: 'exact_match',
  label: 'exact-match accuracy (%)',
  aggregation: 'mean',
};
