import type { MetricDefinition } from './metric-definition.js';
import { officialReport } from './vqa-official-report.js';

/** VQA accuracy: min(#humans that said the answer / 3, 1), averaged over leave-one-out subsets (per rule). */
export const vqaAccuracyMetric: MetricDefinition = {
  id: 'vqa_accuracy',
  label: 'VQA accuracy (%)',
  aggregation: 'mean',
  officialReport,
};
