import type { TaskMetrics } from '../../artifact/schema.js';
import type { MetricId } from '../../core/contracts/metric.js';
import type { ScoredItem } from './scored-item.js';

/**
 * A metric: what a task's number is and how per-sample scores become it. The per-sample scorer is the
 * scoring rule (scoring/metrics/index.ts) a task's evaluator picks; every rule names its metric.
 * Adding a metric = one file exporting a MetricDefinition + one line in scoring/metrics/registry.ts.
 */
export interface MetricDefinition {
  id: MetricId;
  /** What the number is, with its unit, for chart axes and tables ("VQA accuracy (%)"). */
  label: string;
  /**
   * `mean`: the task's value is 100 × the mean of per-sample scores in [0, 1], with a percentile
   * bootstrap 95% CI over samples (clustered standard error when the task declares `clusterBy`), and
   * breakdowns are means per group.
   * A `CorpusAggregation` (ROC AUC): the value is computed over all samples at once from what each
   * record's `binary` field keeps (gold label, positive-class score); the per-sample scores' mean is
   * reported beside it as `accuracy`.
   */
  aggregation: 'mean' | CorpusAggregation;
  /**
   * When one question is asked several times and scored as one (MMBench's CircularEval): combines the
   * per-sample items into the units the metric counts, before the mean, the CI and the breakdowns.
   * Absent: every sample is a unit. Pure.
   */
  units?(items: ScoredItem[]): ScoredItem[];
  /** The official evaluator's own report next to ours (2-decimal rounding, per answer type), when it has one. */
  officialReport?(items: ScoredItem[], rule: string | undefined): TaskMetrics['official'];
}

/**
 * A metric computed over the whole corpus of binary classifications (scoring/corpus-aggregate.ts):
 * 0/1 gold labels and the model's positive-class scores in, a value in [0, 1] out.
 */
export interface CorpusAggregation {
  kind: 'corpus';
  /** The value over these samples; NaN where it is undefined (ROC AUC: one class only). Pure. */
  value(labels: ArrayLike<number>, scores: ArrayLike<number>): number;
  /** Resampling samples and recomputing: the 95% interval and the standard error, in [0, 1]; NaN where undefined. */
  bootstrap(labels: ArrayLike<number>, scores: ArrayLike<number>, seed: number): { ci95: [number, number]; standardError: number };
}
