import type { MetricDefinition } from './metric-definition.js';

/** MMMU's accuracy: a question is right when the official parsing of the answer matches the gold (eval_utils.py). */
export const mmmuAccuracyMetric: MetricDefinition = {
  id: 'mmmu_accuracy',
  label: 'MMMU accuracy (%)',
  aggregation: 'mean',
};
