import { circularVerdicts, type CircularPass } from '../multiple-choice/circular-eval.js';
import type { MetricDefinition } from './metric-definition.js';
import type { ScoredItem } from './scored-item.js';

/** Record meta keys a CircularEval task records on every pass: its TSV index and its group (g_index). */
export const CIRCULAR_INDEX_KEY = 'circularIndex';
export const CIRCULAR_GROUP_KEY = 'circularGroup';

/**
 * MMBench's CircularEval: the unit is a question with all its passes, right only when every pass is
 * right (scoring/multiple-choice/circular-eval.ts). A question takes its main pass's meta (category,
 * ability) for the breakdowns; a question with an errored pass and no wrong one is an error (ALL counts
 * it as wrong, VALID leaves it out). Items without the two keys stay units of their own.
 */
export function circularUnits(items: ScoredItem[]): ScoredItem[] {
  const passes: CircularPass[] = [];
  const mains = new Map<number, ScoredItem>();
  const loose: ScoredItem[] = [];
  for (const item of items) {
    const index = Number(item.meta[CIRCULAR_INDEX_KEY]);
    const group = Number(item.meta[CIRCULAR_GROUP_KEY]);
    if (item.meta[CIRCULAR_INDEX_KEY] === undefined || item.meta[CIRCULAR_GROUP_KEY] === undefined || !Number.isInteger(index) || !Number.isInteger(group)) {
      loose.push(item);
      continue;
    }
    if (index === group) mains.set(group, item);
    // The pass's own letter is already compared with its answer: right → the answer, wrong → another letter.
    passes.push({ index, group, answer: 'right', predicted: item.error ? null : item.score === 1 ? 'right' : 'wrong' });
  }
  const units = circularVerdicts(passes).map((verdict): ScoredItem => ({
    score: verdict.hit,
    error: verdict.hit === null,
    meta: { ...mains.get(verdict.group)!.meta, circularPasses: String(verdict.passes) },
  }));
  return [...units, ...loose];
}

export const circularAccuracyMetric: MetricDefinition = {
  id: 'circular_accuracy',
  label: 'CircularEval accuracy (%)',
  aggregation: 'mean',
  units: circularUnits,
};
