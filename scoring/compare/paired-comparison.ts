import { bootstrapCI, clusteredStandardError, mean } from '../stats.js';
import { mcnemarFromScores } from './mcnemar.js';
import { pairedPermutationTest } from './paired-permutation.js';

// One task × shots of two runs, over the samples both scored: how far the candidate moved, how sure
// we are, and whether that is a regression. Pure: aligned score arrays in, numbers out.

export type PairedTestName = 'mcnemar-exact' | 'paired-permutation' | 'clustered-permutation';

export interface PairedComparison {
  /** Samples both runs scored. */
  n: number;
  /** Means over the paired samples, percent. */
  baseline: number;
  candidate: number;
  /** candidate − baseline, points. */
  delta: number;
  /** 95% interval of the delta, points: paired bootstrap, or clustered normal interval for video tasks. */
  ci95: [number, number];
  test: PairedTestName;
  pValue: number;
  /** Samples whose score dropped (rose) from baseline to candidate. */
  worse: number;
  better: number;
  /** Video tasks: independent units (videos) the test flipped signs over. */
  clusters?: number;
}

export interface PairedComparisonOptions {
  /** Per sample, the cluster it belongs to (questions about one video are not independent). */
  clusterIds?: readonly string[];
  seed?: number;
  /** Permutation draws (default 10,000) and bootstrap resamples (default 2,000). */
  permutationResamples?: number;
  bootstrapResamples?: number;
}

function isBinary(values: ArrayLike<number>): boolean {
  for (let index = 0; index < values.length; index++) if (values[index] !== 0 && values[index] !== 1) return false;
  return true;
}

/** Per cluster, the sum of its differences: sign flips then act on whole clusters. */
function clusterSums(differences: Float64Array, clusterIds: readonly string[]): Float64Array {
  const sums = new Map<string, number>();
  differences.forEach((difference, index) => sums.set(clusterIds[index]!, (sums.get(clusterIds[index]!) ?? 0) + difference));
  return Float64Array.from(sums.values());
}

export function comparePairedScores(baseline: ArrayLike<number>, candidate: ArrayLike<number>, options: PairedComparisonOptions = {}): PairedComparison {
  const count = baseline.length;
  if (candidate.length !== count) throw new RangeError(`comparePairedScores: ${count} baseline scores but ${candidate.length} candidate scores`);
  if (count === 0) throw new RangeError('comparePairedScores: no paired samples');
  const { clusterIds, seed = 0, permutationResamples = 10_000, bootstrapResamples = 2_000 } = options;
  if (clusterIds && clusterIds.length !== count) throw new RangeError(`comparePairedScores: ${count} scores but ${clusterIds.length} cluster ids`);
  const differences = new Float64Array(count);
  let worse = 0;
  let better = 0;
  for (let index = 0; index < count; index++) {
    const difference = candidate[index]! - baseline[index]!;
    differences[index] = difference;
    if (difference < 0) worse++;
    else if (difference > 0) better++;
  }
  const delta = 100 * mean(differences);
  const clustered = clusterIds !== undefined && new Set(clusterIds).size < count;
  let test: PairedTestName;
  let pValue: number;
  let ci95: [number, number];
  let clusters: number | undefined;
  if (clustered) {
    const sums = clusterSums(differences, clusterIds);
    clusters = sums.length;
    test = 'clustered-permutation';
    pValue = pairedPermutationTest(sums, { seed, resamples: permutationResamples }).pValue;
    const error = 100 * clusteredStandardError(differences, clusterIds);
    ci95 = Number.isFinite(error) ? [delta - 1.96 * error, delta + 1.96 * error] : [delta, delta];
  } else {
    if (isBinary(baseline) && isBinary(candidate)) {
      test = 'mcnemar-exact';
      pValue = mcnemarFromScores(baseline, candidate).pValue;
    } else {
      test = 'paired-permutation';
      pValue = pairedPermutationTest(differences, { seed, resamples: permutationResamples }).pValue;
    }
    const [low, high] = bootstrapCI(differences, { seed, resamples: bootstrapResamples });
    ci95 = [100 * low, 100 * high];
  }
  return {
    n: count,
    baseline: 100 * mean(baseline),
    candidate: 100 * mean(candidate),
    delta,
    ci95,
    test,
    pValue,
    worse,
    better,
    ...(clusters !== undefined ? { clusters } : {}),
  };
}

export type Verdict = 'regressed' | 'improved' | 'unchanged';

export interface VerdictSettings {
  /** Points the score must move by before a change counts (default 1). */
  threshold: number;
  /** Significance level (default 0.05). */
  alpha: number;
}

export const DEFAULT_VERDICT_SETTINGS: VerdictSettings = { threshold: 1, alpha: 0.05 };

/**
 * A regression is a drop larger than the threshold that chance does not explain (p < alpha): both,
 * because a tiny but certain drop on 200k samples, or a large but noisy one on 30, is not what a
 * nightly alarm is for.
 */
export function verdictOf(comparison: Pick<PairedComparison, 'delta' | 'pValue'>, settings: VerdictSettings = DEFAULT_VERDICT_SETTINGS): { verdict: Verdict; significant: boolean } {
  const significant = comparison.pValue < settings.alpha;
  if (significant && comparison.delta < -settings.threshold) return { verdict: 'regressed', significant };
  if (significant && comparison.delta > settings.threshold) return { verdict: 'improved', significant };
  return { verdict: 'unchanged', significant };
}
