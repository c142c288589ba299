import type { StoredNight } from '../../artifact/history/history-layout.js';

/**
 * last-finished: the latest night that ran to the end, regressed or not (a regression is reported once,
 * on the night it appeared). last-passing: the latest finished night without a regression, so a drop
 * keeps failing every night until it is fixed.
 */
export type BaselinePolicy = 'last-finished' | 'last-passing';

/**
 * The baseline for a night of this series on `date`: failed, interrupted and still-running nights never
 * qualify (their numbers are partial or missing), nor do nights dated after it (a backfill compares with
 * what came before it).
 */
export function findBaselineNight(nights: readonly StoredNight[], options: { label: string; suite: string; date: string; policy: BaselinePolicy; excludeId?: string }): StoredNight | undefined {
  const eligible = nights.filter(
    (night) =>
      night.record.label === options.label &&
      night.record.suite.name === options.suite &&
      night.record.status === 'finished' &&
      night.record.id !== options.excludeId &&
      night.record.date <= options.date &&
      (options.policy === 'last-finished' || night.record.regressions === 0),
  );
  return eligible.at(-1);
}
