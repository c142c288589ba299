// TextVQA accuracy exactly as the m4c evaluator computes it (MMF `m4c_evaluators.py`,
// TextVQAAccuracyEvaluator with EvalAIAnswerProcessor; LLaVA ships a copy as
// `llava/eval/m4c_evaluator.py`). Unlike vqaEval.py it processes every answer and every prediction,
// always, and first runs a word step of its own (docs/official-evaluators.md).

import { DataError } from '../../core/errors.js';
import { leaveOneOutAccuracy } from './leave-one-out.js';
import { cleanAnswer, processDigitArticle, processPunctuation, stripPythonWhitespace } from './vqa-normalize.js';

/**
 * `word_tokenize`: lowercase, delete every `,` and `?`, split `'s` into ` 's`, strip. Deleting all
 * commas here is why the punctuation step's digit-comma-digit rule can never fire for TextVQA.
 */
export function m4cWordStep(text: string): string {
  return stripPythonWhitespace(text.toLowerCase().replaceAll(',', '').replaceAll('?', '').replaceAll("'s", " 's"));
}

const CACHE_LIMIT = 200_000;
const cache = new Map<string, string>();

/** EvalAIAnswerProcessor.__call__: word step, `\n`/`\t` to spaces and strip, punctuation, digits and articles. */
export function m4cProcessAnswer(text: string): string {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const processed = processDigitArticle(processPunctuation(cleanAnswer(m4cWordStep(text)), 'unicode'));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, processed);
  return processed;
}

/**
 * Leave-one-out by position over the processed answers, min(1, matches / 3) each, summed in order and
 * divided by the count, as `_compute_answer_scores` does. The evaluator asserts exactly ten answers;
 * the TextVQA loader already refuses any other count, so any non-empty list is scored here.
 */
export function m4cTextVqaAccuracy(prediction: string, answers: readonly string[]): number {
  if (answers.length === 0) throw new DataError('TextVQA accuracy needs the human answers; the question has none');
  const candidate = m4cProcessAnswer(prediction);
  const matches = answers.map((answer) => (m4cProcessAnswer(answer) === candidate ? 1 : 0));
  return leaveOneOutAccuracy(matches);
}
