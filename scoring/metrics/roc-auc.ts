// Area under the ROC curve, as scikit-learn's roc_auc_score computes it for binary labels (the metric
// OpenFlamingo reports for Hateful Memes, and the challenge's primary metric): the ROC curve's points are
// taken at each DISTINCT score (tied scores move the curve diagonally), and the area is the trapezoid
// rule over them. That equals the Mann-Whitney statistic with ties counted one half. Pure, no I/O.
import { seededRandom } from '../../core/random.js';
import { quantileOfSorted, standardError, type BootstrapOptions } from '../stats.js';

/** ROC AUC of `scores` (higher = more positive) against 0/1 `labels`; NaN when either class is absent. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (labels.length !== scores.length) throw new RangeError(`ROC AUC: ${labels.length} labels but ${scores.length} scores`);
  const order = Array.from({ length: scores.length }, (_, index) => index).sort((left, right) => compareDescending(scores, left, right));
  return areaInOrder(labels, scores, order);
}

/** Higher scores first; equal scores (infinite ones included: ranked-wrong errors) compare equal. */
function compareDescending(scores: ArrayLike<number>, left: number, right: number): number {
  return scores[left] > scores[right] ? -1 : scores[left] < scores[right] ? 1 : 0;
}

/** The trapezoid over distinct thresholds, walking samples from the highest score down. */
function areaInOrder(labels: ArrayLike<number>, scores: ArrayLike<number>, order: ArrayLike<number>): number {
  let truePositives = 0;
  let falsePositives = 0;
  let previousTrue = 0;
  let previousFalse = 0;
  let area = 0;
  for (let position = 0; position < order.length; position++) {
    const index = order[position];
    const label = labels[index];
    if (label !== 0 && label !== 1) throw new RangeError(`ROC AUC: label ${label} at index ${index} is neither 0 nor 1`);
    if (Number.isNaN(scores[index])) throw new RangeError(`ROC AUC: score at index ${index} is NaN`);
    if (label === 1) truePositives++;
    else falsePositives++;
    const next = position + 1 < order.length ? order[position + 1] : -1;
    // A threshold ends where the score changes: tied samples enter the curve together.
    if (next === -1 || scores[next] !== scores[index]) {
      area += ((falsePositives - previousFalse) * (truePositives + previousTrue)) / 2;
      previousTrue = truePositives;
      previousFalse = falsePositives;
    }
  }
  if (truePositives === 0 || falsePositives === 0) return Number.NaN;
  return area / (truePositives * falsePositives);
}

/** The bootstrap of the ROC AUC: its percentile interval and the standard deviation of its replicates. */
export interface RocAucBootstrap {
  ci95: [number, number];
  /** Sample standard deviation (n − 1) of the resampled AUCs: the bootstrap standard error. */
  standardError: number;
}

/**
 * Percentile bootstrap of the ROC AUC, with the project's bootstrap conventions (seeded, 1000
 * resamples, 95%, numpy's linear quantile; scoring/stats.ts): samples are drawn with replacement and
 * the AUC recomputed; a resample that lacks one of the classes has no AUC and is drawn again.
 * NaN everywhere when the data themselves lack a class.
 */
export function rocAucBootstrap(labels: ArrayLike<number>, scores: ArrayLike<number>, options: BootstrapOptions = {}): RocAucBootstrap {
  const { resamples = 1000, seed = 0, level = 0.95 } = options;
  if (Number.isNaN(rocAuc(labels, scores))) return { ci95: [Number.NaN, Number.NaN], standardError: Number.NaN };
  const random = seededRandom(seed);
  const count = labels.length;
  // Sorted once: a resample's order is the sorted order of the samples it drew, each as often as drawn.
  const sorted = Array.from({ length: count }, (_, index) => index).sort((left, right) => compareDescending(scores, left, right));
  const draws = new Int32Array(count);
  const areas = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; ) {
    draws.fill(0);
    for (let draw = 0; draw < count; draw++) draws[Math.floor(random() * count)]++;
    const order: number[] = [];
    for (const index of sorted) for (let copy = 0; copy < draws[index]; copy++) order.push(index);
    const area = areaInOrder(labels, scores, order);
    if (Number.isNaN(area)) continue;
    areas[resample++] = area;
  }
  const spread = resamples > 1 ? standardError(areas) * Math.sqrt(resamples) : Number.NaN;
  areas.sort();
  const tail = (1 - level) / 2;
  return { ci95: [quantileOfSorted(areas, tail), quantileOfSorted(areas, 1 - tail)], standardError: spread };
}

/** The percentile bootstrap interval alone (rocAucBootstrap). */
export function rocAucBootstrapCI(labels: ArrayLike<number>, scores: ArrayLike<number>, options: BootstrapOptions = {}): [number, number] {
  return rocAucBootstrap(labels, scores, options).ci95;
}
