// The registry of per-sample metrics: a task names its metric by id and scoring looks it up here.

import { exactMatch } from './exact-match.js';
import type { MetricId, NormalizeMode } from '../../core/contracts/metric.js';
import { vqaAccuracy } from './vqa-accuracy.js';

/** A per-sample score in [0, 1]; pure, no I/O. */
export type MetricFunction = (prediction: string, answers: readonly string[], mode: NormalizeMode) => number;

export const metrics = {
  vqa_accuracy: vqaAccuracy,
  exact_match: exactMatch,
} satisfies Record<MetricId, MetricFunction>;
