import type { StoredNight } from './history-layout.js';
import type { NightComparison } from './night-record.js';

// The history as a table: one series per entry × task × shots, one column per finished night of a
// label × suite. Failed and interrupted nights have no numbers and are listed beside the table instead.

export interface TrendPoint {
  score: number | null;
  ci95: [number, number] | null;
  n: number;
  /** How this night compared with its baseline night, when it was compared. */
  comparison?: NightComparison;
}

export interface TrendSeries {
  entry: string;
  task: string;
  shots: number;
  metric: string;
  /** One per night of the trend, null where the night did not run this. */
  points: Array<TrendPoint | null>;
}

export interface Trend {
  label: string;
  suite: string;
  nights: Array<{ id: string; date: string; regressions: number; baseline?: string }>;
  series: TrendSeries[];
  /** Nights of this series that did not finish. */
  unfinished: Array<{ id: string; date: string; status: string; error?: string }>;
}

export function seriesLabel(series: Pick<TrendSeries, 'entry' | 'task' | 'shots'>): string {
  return `${series.entry} · ${series.task} ${series.shots}-shot`;
}

/** Trends per label × suite, nights in the given (chronological) order; `last` keeps the latest N. */
export function buildTrends(nights: readonly StoredNight[], options: { label?: string; suite?: string; last?: number } = {}): Trend[] {
  const groups = new Map<string, StoredNight[]>();
  for (const night of nights) {
    if (options.label !== undefined && night.record.label !== options.label) continue;
    if (options.suite !== undefined && night.record.suite.name !== options.suite) continue;
    const key = `${night.record.label}\u0000${night.record.suite.name}`;
    groups.set(key, [...(groups.get(key) ?? []), night]);
  }
  return [...groups.values()].map((group) => {
    const finishedAll = group.filter((night) => night.record.status === 'finished');
    const finished = options.last !== undefined ? finishedAll.slice(-options.last) : finishedAll;
    const series = new Map<string, TrendSeries>();
    finished.forEach((night, column) => {
      for (const result of night.record.results) {
        const key = `${result.entry}\u0000${result.task}\u0000${result.shots}`;
        let entry = series.get(key);
        if (!entry) {
          entry = { entry: result.entry, task: result.task, shots: result.shots, metric: result.metric, points: finished.map(() => null) };
          series.set(key, entry);
        }
        const comparison = night.record.comparisons.find((item) => item.entry === result.entry && item.task === result.task && item.shots === result.shots);
        entry.points[column] = { score: result.score, ci95: result.ci95, n: result.n, ...(comparison ? { comparison } : {}) };
      }
    });
    const first = group[0]!.record;
    return {
      label: first.label,
      suite: first.suite.name,
      nights: finished.map((night) => ({ id: night.record.id, date: night.record.date, regressions: night.record.regressions, ...(night.record.baseline ? { baseline: night.record.baseline.id } : {}) })),
      series: [...series.values()],
      unfinished: group
        .filter((night) => night.record.status !== 'finished')
        .map((night) => ({ id: night.record.id, date: night.record.date, status: night.record.status, ...(night.record.error ? { error: night.record.error } : {}) })),
    };
  });
}
