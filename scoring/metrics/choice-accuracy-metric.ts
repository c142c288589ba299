import type { MetricDefinition } from './metric-definition.js';

/** 1 when the chosen option is the gold one, else 0; the share of questions answered right. */
export const choiceAccuracyMetric: MetricDefinition = {
  id: 'choice_accuracy',
  label: 'multiple-choice accuracy (%)',
  aggregation: 'mean',
};
