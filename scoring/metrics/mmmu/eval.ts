// MMMU's per-question verdicts (mmmu/utils/eval_utils.py: eval_multi_choice, eval_open): a
// multiple-choice letter must equal the gold letter; an open answer is right when a parsed number
// equals a gold number (both rounded to two decimals) or a gold string occurs inside a parsed string.
import { normalizeStr, parseOpenResponse, type OpenPrediction } from './parse-open.js';
import { parseMultiChoiceResponse } from './parse-multi-choice.js';

export type MmmuQuestionType = 'multiple-choice' | 'open';

/** eval_multi_choice: exact equality with the gold letter (or any of several). */
export function evalMultiChoice(gold: readonly string[], predicted: string): boolean {
  return gold.includes(predicted);
}

/** eval_open over the normalized gold answers. */
export function evalOpen(gold: readonly string[], predictions: readonly OpenPrediction[]): boolean {
  const normalizedGold = gold.flatMap(normalizeStr);
  return predictions.some((prediction) =>
    typeof prediction === 'string'
      ? normalizedGold.some((answer) => typeof answer === 'string' && prediction.includes(answer))
      : normalizedGold.some((answer) => answer === prediction),
  );
}

export interface MmmuVerdict {
  correct: boolean;
  /** What the parser took the response to say: a letter, or the parsed open predictions as JSON. */
  parsed: string;
  /** The letter was drawn at random because the response named no option. */
  randomFallback: boolean;
}

/** Parses a raw model response the official way and judges it. */
export function scoreMmmuResponse(response: string, question: { type: MmmuQuestionType; options: readonly string[]; answers: readonly string[] }): MmmuVerdict {
  if (question.type === 'multiple-choice') {
    const { letter, randomFallback } = parseMultiChoiceResponse(response, question.options);
    return { correct: evalMultiChoice(question.answers, letter), parsed: letter, randomFallback };
  }
  const predictions = parseOpenResponse(response);
  return { correct: evalOpen(question.answers, predictions), parsed: JSON.stringify(predictions), randomFallback: false };
}

/**
 * The scoring rule on what the answer parsing produced (the MMMU task's parseAnswer: the letter of a
 * multiple-choice question, an open question's whole response), as main_eval_only.py scores its
 * `{id: prediction}` file: letters compared as they are, open responses parsed by parse_open_response.
 */
export function mmmuRuleScore(prediction: string, answers: readonly string[], sample?: { meta: Record<string, unknown> }): number {
  const type = sample?.meta.questionType;
  if (type === 'multiple-choice') return evalMultiChoice(answers, prediction) ? 1 : 0;
  if (type === 'open') return evalOpen(answers, parseOpenResponse(prediction)) ? 1 : 0;
  throw new Error(`MMMU scoring needs the sample's questionType ('multiple-choice' or 'open'), found ${JSON.stringify(type)}`);
}

/** What the MMMU task records as the answer: the letter the official parsing picks, or an open question's response as given. */
export function mmmuParseAnswer(output: string, sample: { meta: Record<string, unknown> }): string {
  if (sample.meta.questionType !== 'multiple-choice') return output;
  const options = sample.meta.options;
  if (!Array.isArray(options) || !options.every((option) => typeof option === 'string')) throw new Error("an MMMU multiple-choice sample needs meta.options, a list of strings");
  return parseMultiChoiceResponse(output, options).letter;
}
