// From the log-likelihoods of a classifier's class names to a prediction and a probability, as
// OpenFlamingo's evaluate_classification does it: each class's score is the MEAN log-probability of
// its tokens (get_rank_classifications with normalize_length=True), the prediction is the class with
// the highest score (torch.topk: the first class on a tie), and the probability of a class is the
// softmax of the scores, exp(score - logsumexp(scores)). For Hateful Memes the ROC AUC is computed on
// the probability of "yes". Pure, no I/O.

export interface ClassScores {
  /** Mean log-probability per token of each class. */
  scores: number[];
  /** Index of the predicted class. */
  predicted: number;
  /** Softmax of the scores. */
  probabilities: number[];
}

export function classScores(logprobs: readonly number[], tokens: readonly number[]): ClassScores {
  if (logprobs.length === 0 || logprobs.length !== tokens.length) throw new RangeError(`class scores need one token count per log-probability (got ${logprobs.length} and ${tokens.length})`);
  const scores = logprobs.map((logprob, index) => {
    if (!(tokens[index] > 0)) throw new RangeError(`class ${index} spans ${tokens[index]} tokens`);
    return logprob / tokens[index];
  });
  let predicted = 0;
  for (let index = 1; index < scores.length; index++) if (scores[index] > scores[predicted]) predicted = index;
  const maximum = scores[predicted];
  const normalizer = maximum + Math.log(scores.reduce((sum, score) => sum + Math.exp(score - maximum), 0));
  return { scores, predicted, probabilities: scores.map((score) => Math.exp(score - normalizer)) };
}
