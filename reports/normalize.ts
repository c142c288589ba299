/**
 * Parameter-count normalization: within one protocol group, fit score = a + b·log10(params in
 * billions) by least squares over the reference (published) models, then place every model against
 * that trend. Pure functions; parameter counts are in billions throughout.
 */

/** Fewer points than this and the "trend" is a line through two models, not a trend. */
export const MINIMUM_TREND_POINTS = 3;

export interface TrendPoint {
  label: string;
  /** Billions. */
  params: number;
  score: number;
}

export type TrendFit =
  | { fitted: true; intercept: number; slope: number; points: number; rSquared: number | null }
  | { fitted: false; points: number; reason: string };

export function fitSizeTrend(points: readonly TrendPoint[]): TrendFit {
  const usable = points.filter((point) => Number.isFinite(point.params) && point.params > 0 && Number.isFinite(point.score));
  if (usable.length < MINIMUM_TREND_POINTS) {
    return {
      fitted: false,
      points: usable.length,
      reason: `${usable.length === 0 ? 'no' : `only ${usable.length}`} reference model${usable.length === 1 ? '' : 's'} with a parameter count; a size trend needs at least ${MINIMUM_TREND_POINTS}`,
    };
  }
  const xs = usable.map((point) => Math.log10(point.params));
  const ys = usable.map((point) => point.score);
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let index = 0; index < xs.length; index += 1) {
    const dx = xs[index]! - meanX;
    const dy = ys[index]! - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  // Relative tolerance: log10 of equal counts can differ in the last bit after parsing.
  if (sxx <= 1e-12 * Math.max(1, meanX * meanX)) {
    return {
      fitted: false,
      points: usable.length,
      reason: `all ${usable.length} reference models have the same parameter count (${formatBillions(usable[0]!.params)}); size cannot explain their differences`,
    };
  }
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const residual = syy - slope * sxy;
  return { fitted: true, intercept, slope, points: usable.length, rSquared: syy > 0 ? 1 - residual / syy : null };
}

export function trendScore(fit: Extract<TrendFit, { fitted: true }>, params: number): number {
  return fit.intercept + fit.slope * Math.log10(params);
}

/** Points above (+) or below (−) what the size trend predicts for this many parameters. */
export function sizeAdjustedScore(fit: TrendFit, params: number | undefined, score: number): number | null {
  if (!fit.fitted || params === undefined || !(params > 0)) return null;
  return score - trendScore(fit, params);
}

/**
 * The parameter count (billions) a model on the trend would need to reach this score. Undefined when
 * the trend does not rise with size: then no amount of parameters "buys" the score.
 */
export function parameterEquivalent(fit: TrendFit, score: number): number | null {
  if (!fit.fitted || !(fit.slope > 0)) return null;
  const value = 10 ** ((score - fit.intercept) / fit.slope);
  return Number.isFinite(value) ? value : null;
}

export function pointsPerBillion(score: number, params: number | undefined): number | null {
  return params !== undefined && params > 0 ? score / params : null;
}

export interface ParetoCandidate {
  label: string;
  params: number | undefined;
  score: number;
}

export type ParetoStatus =
  | { status: 'frontier' }
  | { status: 'dominated'; by: string[] }
  | { status: 'unknown'; reason: string };

/**
 * Dominated = some other model scores at least as high with at most as many parameters, and is
 * strictly better in one of the two. Two models with equal counts and equal scores do not dominate
 * each other. Dominators are listed best score first.
 */
export function paretoStatus(candidate: ParetoCandidate, others: readonly ParetoCandidate[]): ParetoStatus {
  if (candidate.params === undefined || !(candidate.params > 0)) return { status: 'unknown', reason: 'no parameter count' };
  const params = candidate.params;
  const dominators = others
    .filter((other) => other !== candidate && other.params !== undefined && other.params > 0)
    .filter((other) => other.score >= candidate.score && other.params! <= params && (other.score > candidate.score || other.params! < params))
    .sort((a, b) => b.score - a.score || a.params! - b.params!);
  if (dominators.length === 0) return { status: 'frontier' };
  return { status: 'dominated', by: [...new Set(dominators.map((other) => other.label))] };
}

/** The Pareto frontier, smallest first: each point scores higher than every smaller model on it. */
export function paretoFrontier<T extends ParetoCandidate>(candidates: readonly T[]): T[] {
  return candidates
    .filter((candidate) => paretoStatus(candidate, candidates).status === 'frontier')
    .sort((a, b) => a.params! - b.params! || a.score - b.score);
}

export function formatBillions(value: number): string {
  if (value >= 100) return `${value.toFixed(0)}B`;
  if (value >= 10) return `${Number(value.toFixed(1))}B`;
  if (value >= 0.1) return `${Number(value.toFixed(2))}B`;
  if (value >= 0.001) return `${Number((value * 1000).toFixed(1))}M`;
  return `${Number((value * 1e6).toFixed(1))}K`;
}
