// VLMEvalKit's rule-based choice extraction (vlmeval/utils/matching_util.py: can_infer_option,
// can_infer_text, can_infer; transcribed at open-compass/VLMEvalKit e8e78f05), which MMBench's
// leaderboard applies before its ChatGPT fallback. Character for character with Python's semantics:
// str.split() whitespace, code-point lengths, the `VERBOSE` environment variable unset.

import { pythonSplitWhitespace } from '../metrics/python-text.js';

/** Option letter → option text, in the TSV's column order (A, B, C, ...). */
export type Choices = Readonly<Record<string, string>>;

/** A letter of `choices`, `Z` (the model refused or named none of them), or false (nothing could be inferred). */
export type InferredChoice = string | false;

// The rejections VLMEvalKit maps to `Z`.
const REFUSALS = [
  "Sorry, I can't help with images of people yet.",
  "I can't process this file.",
  "I'm sorry, but without the image provided",
  'Cannot determine the answer',
];

// Replaced by spaces before splitting into words.
const SEPARATORS = '.()[],:;!*#{}';

// "The correct answer is **B**." Case-insensitive, so a lowercase letter matches and is uppercased.
const VERBOSE_ANSWER = /(?:correct\s+)?answer\s+is\s+\**([ABCD])\**/i;

/** can_infer_option: the answer names exactly one option letter as a word, near its end. */
export function inferOptionLetter(answer: string, choices: Choices): InferredChoice {
  if (answer.includes('Failed to obtain answer via API')) return false;
  for (const refusal of REFUSALS) if (answer.includes(refusal)) return 'Z';

  let spaced = answer;
  for (const separator of SEPARATORS) spaced = spaced.replaceAll(separator, ' ');
  const words = pythonSplitWhitespace(spaced);
  const letters = Object.keys(choices);
  const count = letters.filter((letter) => words.includes(letter)).length;

  if (count === 1) {
    for (const letter of letters) {
      // The letter's first occurrence must be among the last four words.
      if (words.includes(letter) && words.indexOf(letter) > words.length - 5) return letter;
    }
  } else if (count === 0 && words.includes('Z')) {
    return 'Z';
  }

  const verbose = VERBOSE_ANSWER.exec(answer);
  if (verbose && Object.hasOwn(choices, verbose[1]!.toUpperCase())) return verbose[1]!.toUpperCase();
  return false;
}

/** Python's len(): code points, not UTF-16 units. */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** can_infer_text: exactly one option's text occurs in the answer (both lowercased), the answer not too long. */
export function inferOptionText(answer: string, choices: Choices): InferredChoice {
  const lowered = answer.toLowerCase();
  const optionLength = Object.values(choices).reduce((sum, option) => sum + codePoints(option), 0);
  if (codePoints(lowered) > 2 * optionLength) return false;
  const found = Object.keys(choices).filter((letter) => lowered.includes(choices[letter]!.toLowerCase()));
  return found.length === 1 ? found[0]! : false;
}

/** can_infer: the option letter first, then the option text. */
export function inferChoice(answer: string, choices: Choices): InferredChoice {
  return inferOptionLetter(answer, choices) || inferOptionText(answer, choices);
}
