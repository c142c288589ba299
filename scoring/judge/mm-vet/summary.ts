// MM-Vet's figures (mm-vet_evaluator.py export_result): the total and each capability as 100 × the
// mean grade, averaged over grading runs; the population standard deviation of the run totals; and
// the same per capability integration (the exact set of capabilities a question needs). With every
// grading done, 100 × the mean over samples of each sample's mean grade equals the evaluator's mean
// over runs of per-run totals, so that is how they are computed: a grading that failed is left out
// (and counted) rather than entering as the evaluator's 0.0, and a sample none of whose gradings
// succeeded is left out of every figure but the failure counts.
import { mean, populationStd } from '../../stats.js';
import type { MmVetGrading } from './grade.js';

export interface MmVetGradedSample {
  capabilities: readonly string[];
  /** Undefined when the model failed on the sample: there was no answer to grade. */
  gradings?: readonly MmVetGrading[];
}

export interface MmVetGroupFigure {
  /** 100 × the mean grade of the group's graded samples. */
  value: number;
  n: number;
}

export interface MmVetFigures {
  runs: number;
  /** 100 × the mean over graded samples of their mean grade; null when nothing was graded. */
  total: number | null;
  /** Each run's total over the samples graded in that run. */
  runTotals: Array<number | null>;
  /** Population standard deviation of the run totals (numpy's default), over runs with a total. */
  runStd: number | null;
  capabilities: Record<string, MmVetGroupFigure>;
  /** Keyed by the capabilities joined with "_" in alphabetical order (the evaluator joins a Python set, whose order varies). */
  integrations: Record<string, MmVetGroupFigure>;
  gradings: { requested: number; graded: number; failed: number };
  /** Samples the model answered but no grading succeeded for. */
  ungradedSamples: number;
}

/** A sample's grade: the mean of its successful gradings, or undefined when there is none. */
export function meanGrade(gradings: readonly MmVetGrading[] | undefined): number | undefined {
  const scores = (gradings ?? []).flatMap((grading) => ('score' in grading ? [grading.score] : []));
  return scores.length === 0 ? undefined : mean(scores);
}

export function integrationKey(capabilities: readonly string[]): string {
  return [...new Set(capabilities)].sort().join('_');
}

function groupFigures(entries: Array<{ keys: string[]; grade: number }>): Record<string, MmVetGroupFigure> {
  const groups = new Map<string, number[]>();
  for (const { keys, grade } of entries) for (const key of keys) groups.set(key, [...(groups.get(key) ?? []), grade]);
  // Largest group first, as the evaluator orders its columns (Counter.most_common); ties by name.
  const sorted = [...groups.entries()].sort(([nameA, a], [nameB, b]) => b.length - a.length || nameA.localeCompare(nameB));
  return Object.fromEntries(sorted.map(([key, grades]) => [key, { value: 100 * mean(grades), n: grades.length }]));
}

export function summarizeMmVet(samples: readonly MmVetGradedSample[], runs: number): MmVetFigures {
  const answered = samples.filter((sample) => sample.gradings !== undefined);
  const all = answered.flatMap((sample) => sample.gradings!);
  const graded = answered.flatMap((sample) => {
    const grade = meanGrade(sample.gradings);
    return grade === undefined ? [] : [{ sample, grade }];
  });
  const runTotals = Array.from({ length: runs }, (_unused, run) => {
    const scores = answered.flatMap((sample) => sample.gradings!.flatMap((grading) => (grading.run === run && 'score' in grading ? [grading.score] : [])));
    return scores.length === 0 ? null : 100 * mean(scores);
  });
  const presentTotals = runTotals.filter((total): total is number => total !== null);
  return {
    runs,
    total: graded.length === 0 ? null : 100 * mean(graded.map(({ grade }) => grade)),
    runTotals,
    runStd: presentTotals.length === 0 ? null : populationStd(presentTotals),
    capabilities: groupFigures(graded.map(({ sample, grade }) => ({ keys: [...new Set(sample.capabilities)], grade }))),
    integrations: groupFigures(graded.map(({ sample, grade }) => ({ keys: [integrationKey(sample.capabilities)], grade }))),
    gradings: { requested: answered.length * runs, graded: all.filter((grading) => 'score' in grading).length, failed: all.filter((grading) => 'error' in grading).length },
    ungradedSamples: answered.length - graded.length,
  };
}
