import type { RunComparison } from '../../scoring/compare/compare-runs.js';
import type { MetricsRecord, RunRecord } from '../../artifact/schema.js';
import type { NightComparison, NightResult } from '../../artifact/history/night-record.js';

/**
 * One history point per entry × task × shots from a run's metrics: the ALL view. Several few-shot
 * trials are averaged, score and interval bounds alike (an approximate band: the trials share questions).
 */
export function nightResults(entry: string, record: RunRecord, metrics: MetricsRecord): NightResult[] {
  const groups = new Map<string, MetricsRecord['results']>();
  for (const result of metrics.results) {
    const key = `${result.task}\u0000${result.shots}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((trials) => {
    const first = trials[0]!;
    const values = trials.map((trial) => trial.all.value).filter((value): value is number => value !== null);
    const intervals = trials.map((trial) => trial.all.ci95).filter((ci): ci is [number, number] => ci !== null);
    const average = (numbers: number[]) => numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
    return {
      entry,
      task: first.task,
      shots: first.shots,
      metric: first.metric,
      split: first.split,
      protocol: record.config.protocol,
      score: values.length > 0 ? average(values) : null,
      ci95: intervals.length > 0 ? [average(intervals.map((ci) => ci[0])), average(intervals.map((ci) => ci[1]))] : null,
      n: first.all.n,
      trials: trials.length,
    };
  });
}

export function nightComparisons(comparison: RunComparison): NightComparison[] {
  return comparison.units.map((unit) => ({
    entry: unit.entry,
    task: unit.task,
    shots: unit.shots,
    status: unit.status,
    delta: unit.paired?.delta ?? null,
    ci95: unit.paired?.ci95 ?? null,
    pValue: unit.paired?.pValue ?? null,
    test: unit.paired?.test ?? null,
    n: unit.paired?.n ?? 0,
    reasons: unit.reasons,
  }));
}
