import type { MetricDefinition } from './metric-definition.js';
import { rocAuc, rocAucBootstrap } from './roc-auc.js';

/**
 * Area under the ROC curve of the positive-class scores against the gold labels (scikit-learn's
 * roc_auc_score), × 100 as papers print it (Hateful Memes' primary metric). A corpus metric: not a mean
 * of per-sample scores; its CI resamples samples and recomputes the AUC.
 */
export const rocAucMetric: MetricDefinition = {
  id: 'roc_auc',
  label: 'ROC AUC (×100)',
  aggregation: { kind: 'corpus', value: rocAuc, bootstrap: (labels, scores, seed) => rocAucBootstrap(labels, scores, { seed }) },
};
