import { seededRandom } from '../../core/random.js';
import { comparePairedScores, verdictOf, type VerdictSettings } from './paired-comparison.js';

// How often does `compare` cry wolf? Two runs of the same model that differ only by run-to-run noise
// are compared many times; the share flagged as regressions is the false-alarm rate. Pure and seeded.
//
// The null model: a reference task of per-question success rates (most questions almost always right
// or almost always wrong, some in between, as real models behave). Each repetition bootstrap-resamples
// the questions of that task, then draws the baseline's and the candidate's outcome for every question
// independently from its rate: the same model, scored twice, with only sampling noise between them.

export interface FalseAlarmOptions extends VerdictSettings {
  repetitions: number;
  samples: number;
  /** binary: 0/1 scores (exact match, McNemar); vqa: VQA accuracy levels (permutation test). */
  scores: 'binary' | 'vqa';
  seed?: number;
  /** Permutation draws per comparison (VQA); fewer than the command's 10,000 to keep many repetitions fast. */
  permutationResamples?: number;
}

export interface FalseAlarmResult {
  repetitions: number;
  /** Comparisons flagged as regressions (drop beyond the threshold, p < alpha). */
  flagged: number;
  flaggedRate: number;
  /** Comparisons with p < alpha in either direction (the test's own type I error). */
  significant: number;
  significantRate: number;
  /** Largest |delta| seen, points: how big pure noise looks. */
  largestNoiseDelta: number;
}

/** A reference task's per-question success rates: a mixture of easy, hard and uncertain questions. */
function referenceRates(count: number, random: () => number): Float64Array {
  return Float64Array.from({ length: count }, () => {
    const kind = random();
    if (kind < 0.5) return 0.9 + 0.1 * random();
    if (kind < 0.8) return 0.1 * random();
    return 0.2 + 0.6 * random();
  });
}

// VQA accuracy of an answer given by k of 10 annotators is min(1, k/3) (averaged over leave-one-out
// subsets: 0, 0.3, 0.6, 0.9, 1). A right answer mostly has 3+ matches; a wrong one mostly none.
const RIGHT_LEVELS = [1, 1, 1, 1, 0.9, 0.6];
const WRONG_LEVELS = [0, 0, 0, 0, 0.3];

function drawScore(rate: number, kind: FalseAlarmOptions['scores'], random: () => number): number {
  const right = random() < rate;
  if (kind === 'binary') return right ? 1 : 0;
  const levels = right ? RIGHT_LEVELS : WRONG_LEVELS;
  return levels[Math.floor(random() * levels.length)]!;
}

export function simulateFalseAlarms(options: FalseAlarmOptions): FalseAlarmResult {
  const { repetitions, samples, scores, seed = 0, permutationResamples = 2_000 } = options;
  if (!Number.isInteger(repetitions) || repetitions < 1 || !Number.isInteger(samples) || samples < 1) throw new RangeError('simulateFalseAlarms: repetitions and samples must be positive integers');
  const random = seededRandom(seed);
  const reference = referenceRates(samples, random);
  let flagged = 0;
  let significant = 0;
  let largestNoiseDelta = 0;
  const baseline = new Float64Array(samples);
  const candidate = new Float64Array(samples);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (let index = 0; index < samples; index++) {
      const rate = reference[Math.floor(random() * samples)]!;
      baseline[index] = drawScore(rate, scores, random);
      candidate[index] = drawScore(rate, scores, random);
    }
    const comparison = comparePairedScores(baseline, candidate, { seed: repetition, permutationResamples, bootstrapResamples: 200 });
    const { verdict, significant: isSignificant } = verdictOf(comparison, options);
    if (verdict === 'regressed') flagged++;
    if (isSignificant) significant++;
    largestNoiseDelta = Math.max(largestNoiseDelta, Math.abs(comparison.delta));
  }
  return { repetitions, flagged, flaggedRate: flagged / repetitions, significant, significantRate: significant / repetitions, largestNoiseDelta };
}
