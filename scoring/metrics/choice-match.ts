/**
 * A multiple-choice answer is right when the chosen letter is the gold letter: SEED-Bench's eval.py
 * (`pred == gt`) and VLMEvalKit's `opt == item['GT']`. An empty prediction (nothing inferred) is wrong.
 */
export function choiceMatch(prediction: string, answers: readonly string[]): number {
  return prediction !== '' && prediction === answers[0] ? 1 : 0;
}
