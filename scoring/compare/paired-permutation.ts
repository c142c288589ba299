import { seededRandom } from '../../core/random.js';
import { sampleBinomial } from '../stats.js';

// Paired sign-flip permutation test for scores that are not just right/wrong (VQA accuracy's
// 0/0.3/0.6/0.9/1, few-shot scores averaged over trials). Under "no difference" each pair's two scores
// are exchangeable, so each difference is as likely to have its sign flipped; the p-value is how often
// a sign-flipped total is at least as far from zero as the observed one. Pure and seeded.

export interface PermutationOptions {
  /** Monte Carlo sign-flip draws when exact enumeration is too large (default 10,000). */
  resamples?: number;
  seed?: number;
  /** Enumerate exactly when the number of distinct outcomes to visit is at most this (default 1,000,000). */
  exactLimit?: number;
}

export interface PermutationResult {
  pValue: number;
  method: 'exact' | 'monte-carlo';
  /** Monte Carlo draws (absent for exact). */
  resamples?: number;
}

interface MagnitudeCount {
  magnitude: number;
  count: number;
}

// Differences such as 0.6 − 0.3 and 0.3 − 0 must count as the same magnitude despite float error.
const MAGNITUDE_GRID = 1e9;

/**
 * Groups |difference| values: a sign flip of every pair with the same magnitude is one Binomial(m, 1/2)
 * draw, so the test costs one draw per distinct magnitude instead of one per sample.
 */
function countMagnitudes(differences: ArrayLike<number>): MagnitudeCount[] {
  const counts = new Map<number, number>();
  for (let index = 0; index < differences.length; index++) {
    const difference = differences[index]!;
    if (!Number.isFinite(difference)) throw new RangeError(`paired permutation test: difference ${difference} at position ${index} is not a finite number`);
    const magnitude = Math.round(Math.abs(difference) * MAGNITUDE_GRID) / MAGNITUDE_GRID;
    if (magnitude === 0) continue;
    counts.set(magnitude, (counts.get(magnitude) ?? 0) + 1);
  }
  // Sorted so the draws (and so the p-value) do not depend on sample order.
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([magnitude, count]) => ({ magnitude, count }));
}

/** P(K = k) for K ~ Binomial(count, 1/2), k = 0..count; in log space because 2^-count underflows past ~1070. */
function halfBinomialProbabilities(count: number): Float64Array {
  const probabilities = new Float64Array(count + 1);
  let logTerm = -count * Math.LN2;
  probabilities[0] = Math.exp(logTerm);
  for (let index = 1; index <= count; index++) {
    logTerm += Math.log((count - index + 1) / index);
    probabilities[index] = Math.exp(logTerm);
  }
  return probabilities;
}

/** Exact: visit every combination of "how many of each magnitude are positive", weighted binomially. */
function exactPValue(groups: readonly MagnitudeCount[], observed: number, tolerance: number): number {
  const weights = groups.map((group) => halfBinomialProbabilities(group.count));
  let extreme = 0;
  const visit = (groupIndex: number, sum: number, probability: number): void => {
    if (groupIndex === groups.length) {
      if (Math.abs(sum) >= observed - tolerance) extreme += probability;
      return;
    }
    const { magnitude, count } = groups[groupIndex]!;
    const groupWeights = weights[groupIndex]!;
    for (let positive = 0; positive <= count; positive++) {
      visit(groupIndex + 1, sum + magnitude * (2 * positive - count), probability * groupWeights[positive]!);
    }
  };
  visit(0, 0, 1);
  return Math.min(1, extreme);
}

function monteCarloPValue(groups: readonly MagnitudeCount[], observed: number, tolerance: number, resamples: number, seed: number): number {
  const random = seededRandom(seed);
  let extreme = 0;
  for (let resample = 0; resample < resamples; resample++) {
    let sum = 0;
    for (const { magnitude, count } of groups) sum += magnitude * (2 * sampleBinomial(count, 0.5, random) - count);
    if (Math.abs(sum) >= observed - tolerance) extreme++;
  }
  // Counting the observed arrangement as one of the draws keeps the p-value valid (never 0).
  return (extreme + 1) / (resamples + 1);
}

/**
 * Two-sided sign-flip test of "mean difference = 0" for paired differences (candidate − baseline).
 * Zero differences carry no information and are dropped, as in McNemar's test; for 0/1 scores the
 * exact version gives McNemar's exact p-value.
 */
export function pairedPermutationTest(differences: ArrayLike<number>, options: PermutationOptions = {}): PermutationResult {
  const { resamples = 10_000, seed = 0, exactLimit = 1_000_000 } = options;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`permutation resamples must be a positive integer, got ${resamples}`);
  const groups = countMagnitudes(differences);
  if (groups.length === 0) return { pValue: 1, method: 'exact' };
  let observed = 0;
  for (let index = 0; index < differences.length; index++) observed += differences[index]!;
  observed = Math.abs(observed);
  const tolerance = 1e-9 * Math.max(1, observed);
  let combinations = 1;
  for (const group of groups) {
    combinations *= group.count + 1;
    if (combinations > exactLimit) break;
  }
  if (combinations <= exactLimit) return { pValue: exactPValue(groups, observed, tolerance), method: 'exact' };
  return { pValue: monteCarloPValue(groups, observed, tolerance, resamples, seed), method: 'monte-carlo', resamples };
}
