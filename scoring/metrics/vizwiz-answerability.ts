// The VizWiz API's answerability figures (`evaluate_unanswerability`): how well the model tells the
// unanswerable questions apart, as scikit-learn's average_precision_score and f1_score compute them
// with "unanswerable" as the positive class.
//
// The API reads an `answerable` score from the results file. A model that only answers in text has no
// such score, so the prediction counts as "unanswerable" exactly when its processed answer is the word
// `unanswerable` (the convention of the VizWiz-derived evaluators that score text-only models); its
// score is then 1 or 0, and these functions handle exactly that binary case.

export interface AnswerabilityItem {
  /** The annotation's `answerable` is 0. */
  unanswerable: boolean;
  /** The model's answer, processed by the VizWiz rule, is `unanswerable`. */
  predictedUnanswerable: boolean;
}

interface Counts {
  total: number;
  positives: number;
  predictedPositives: number;
  truePositives: number;
}

function countsOf(items: readonly AnswerabilityItem[]): Counts {
  const counts = { total: items.length, positives: 0, predictedPositives: 0, truePositives: 0 };
  for (const item of items) {
    if (item.unanswerable) counts.positives += 1;
    if (item.predictedUnanswerable) counts.predictedPositives += 1;
    if (item.unanswerable && item.predictedUnanswerable) counts.truePositives += 1;
  }
  return counts;
}

/**
 * average_precision_score(y_true, y_score) with scores in {0, 1}: the step integral
 * -Σ diff(recall) · precision[:-1] over sklearn's precision-recall curve (thresholds 1 then 0, each
 * present only when some score takes it), clipped at 0. Without any positive, sklearn sets recall to 1
 * at every threshold. The arithmetic follows sklearn's, operation for operation.
 */
export function averagePrecision(items: readonly AnswerabilityItem[]): number {
  const { total, positives, predictedPositives, truePositives } = countsOf(items);
  if (total === 0) return 0;
  // Curve points from the highest threshold down: (true positives, false positives) counted at or above it.
  const points: Array<{ tps: number; fps: number }> = [];
  if (predictedPositives > 0) points.push({ tps: truePositives, fps: predictedPositives - truePositives });
  if (predictedPositives < total) points.push({ tps: positives, fps: total - positives });
  const precision = points.map(({ tps, fps }) => (tps + fps !== 0 ? tps / (tps + fps) : 0));
  const recall = points.map(({ tps }) => (positives === 0 ? 1 : tps / positives));
  // sklearn reverses both (recall decreasing), then appends precision 1 and recall 0.
  precision.reverse();
  recall.reverse();
  recall.push(0);
  let sum = 0;
  for (let index = 0; index < precision.length; index++) sum += (recall[index + 1]! - recall[index]!) * precision[index]!;
  return Math.max(0, -sum);
}

/** f1_score(y_true, y_pred): 2·tp / (true count + predicted count), 0 when both are empty (zero_division). */
export function f1Score(items: readonly AnswerabilityItem[]): number {
  const { positives, predictedPositives, truePositives } = countsOf(items);
  const denominator = positives + predictedPositives;
  return denominator === 0 ? 0 : (2 * truePositives) / denominator;
}
