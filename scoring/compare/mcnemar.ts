// McNemar's exact test for paired right/wrong outcomes. Only the discordant pairs carry information
// about a difference: under "no difference" each of them is equally likely to favour either run, so
// the count favouring the baseline is Binomial(discordant, 1/2). Pure: no I/O, no randomness.

export interface McNemarResult {
  /** Right in the baseline, wrong in the candidate. */
  baselineOnly: number;
  /** Wrong in the baseline, right in the candidate. */
  candidateOnly: number;
  /** Two-sided exact p-value: min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(b + c, 1/2). */
  pValue: number;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space: 2^-n underflows for n above ~1070, and a
 * VQAv2-sized run can have tens of thousands of discordant pairs.
 */
export function binomialHalfLowerTail(successes: number, trials: number): number {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || trials < 0) throw new RangeError(`binomial tail needs whole numbers, got k=${successes}, n=${trials}`);
  if (successes < 0) return 0;
  if (successes >= trials) return 1;
  // log C(n, i) − n·ln 2, built up term by term: C(n, i + 1) = C(n, i) · (n − i) / (i + 1).
  const logTerms = new Float64Array(successes + 1);
  logTerms[0] = -trials * Math.LN2;
  for (let index = 0; index < successes; index++) logTerms[index + 1] = logTerms[index]! + Math.log((trials - index) / (index + 1));
  // Factor the largest term out so the sum neither underflows nor overflows.
  let largest = -Infinity;
  for (const logTerm of logTerms) if (logTerm > largest) largest = logTerm;
  let sum = 0;
  for (let index = 0; index <= successes; index++) sum += Math.exp(logTerms[index]! - largest);
  return Math.min(1, Math.exp(largest + Math.log(sum)));
}

/** McNemar's exact test from the two discordant counts. */
export function mcnemarExact(baselineOnly: number, candidateOnly: number): McNemarResult {
  for (const [name, value] of [['baselineOnly', baselineOnly], ['candidateOnly', candidateOnly]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`mcnemarExact: ${name} must be a whole number >= 0, got ${value}`);
  }
  const discordant = baselineOnly + candidateOnly;
  const pValue = discordant === 0 ? 1 : Math.min(1, 2 * binomialHalfLowerTail(Math.min(baselineOnly, candidateOnly), discordant));
  return { baselineOnly, candidateOnly, pValue };
}

/** McNemar's exact test over paired 0/1 scores (same length, same sample order). */
export function mcnemarFromScores(baseline: ArrayLike<number>, candidate: ArrayLike<number>): McNemarResult {
  if (baseline.length !== candidate.length) throw new RangeError(`mcnemarFromScores: ${baseline.length} baseline scores but ${candidate.length} candidate scores`);
  let baselineOnly = 0;
  let candidateOnly = 0;
  for (let index = 0; index < baseline.length; index++) {
    const before = baseline[index]!;
    const after = candidate[index]!;
    if ((before !== 0 && before !== 1) || (after !== 0 && after !== 1)) throw new RangeError(`mcnemarFromScores: scores must be 0 or 1, found ${before} and ${after} at position ${index}`);
    if (before === 1 && after === 0) baselineOnly++;
    else if (before === 0 && after === 1) candidateOnly++;
  }
  return mcnemarExact(baselineOnly, candidateOnly);
}
