// GQA accuracy as the evaluation script of the GQA release (`eval.py`) computes it: the prediction
// string equals the question's `answer`, exactly, case and spaces included. The script assumes clean
// predictions; the LLaVA-style pipelines clean them first with `scripts/convert_gqa_for_eval.py`,
// which emu-eval applies only when asked (`--gqa-answers llava`), and records.

import { DataError } from '../../core/errors.js';

/** `text.rstrip('.').lower()`: every trailing period goes, then Python lowercases. */
export function llavaGqaPostprocess(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2e) end--;
  return text.slice(0, end).toLowerCase();
}

/** 1 when the prediction is the gold answer, character for character (GQA has one gold answer). */
export function gqaExactMatch(prediction: string, answers: readonly string[]): number {
  const gold = answers[0];
  if (gold === undefined) throw new DataError('GQA accuracy needs the question\'s answer; the question has none');
  return prediction === gold ? 1 : 0;
}

/** The LLaVA-style pipeline: convert_gqa_for_eval.py's cleaning of the prediction, then eval.py. */
export function gqaExactMatchLlava(prediction: string, answers: readonly string[]): number {
  return gqaExactMatch(llavaGqaPostprocess(prediction), answers);
}
