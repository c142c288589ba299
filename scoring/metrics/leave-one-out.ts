// The accuracy every VQA-style evaluator shares once answers are compared: leave one human answer out
// by position, count matches among the others, cap at three.

/**
 * matches[i] is 1 when answer i equals the prediction. The mean over positions of
 * min(1, matches elsewhere / 3), summed in answer order like Python's `sum`, so two matches out of ten
 * give 0.5999999999999999, not 0.6. No match at all gives 0.
 */
export function leaveOneOutAccuracy(matches: readonly number[]): number {
  let total = 0;
  for (const match of matches) total += match;
  if (total === 0) return 0;
  let sum = 0;
  for (const match of matches) sum += Math.min(1, (total - match) / 3);
  return sum / matches.length;
}
