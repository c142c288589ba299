import type { MetricDefinition } from './metric-definition.js';

/** MM-Vet's score: 100 × the mean 0–1 correctness an LLM grader (GPT-4 in the paper) gives each answer, averaged over grading runs. */
export const mmVetScoreMetric: MetricDefinition = {
  id: 'mm_vet_score',
  label: 'MM-Vet score (LLM-graded, %)',
  aggregation: 'mean',
};
