// Answer by likelihood (SEED-Bench's eval.py): every option's text is scored as the continuation of the
// prompt and the most likely option is the prediction. eval.py ranks the options by their loss (the summed
// token negative log-likelihood, LAVIS's T5 with reduction="none") and takes the first of the ranking.

export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'] as const;

/**
 * The position of the most likely continuation: the highest summed log-probability, the first on a tie.
 * A NaN (a runner's numeric failure) is never picked; all NaN returns -1.
 */
export function mostLikely(logprobs: readonly number[]): number {
  let best = -1;
  for (let position = 0; position < logprobs.length; position++) {
    const value = logprobs[position]!;
    if (Number.isNaN(value)) continue;
    if (best === -1 || value > logprobs[best]!) best = position;
  }
  return best;
}

/** The option letter of the most likely continuation, '' when none has a usable score. */
export function mostLikelyLetter(logprobs: readonly number[]): string {
  const position = mostLikely(logprobs);
  return position === -1 ? '' : OPTION_LETTERS[position] ?? '';
}
