// MMMU's parse_multi_choice_response (MMMU-Benchmark/MMMU, mmmu/utils/eval_utils.py), transcribed
// step for step: strip punctuation from the ends, look for "(A)", then " A ", then — in answers of
// more than five words — an option's text; several candidates → the one found last; none → a random
// letter. The official script seeds one generator with 42 for the whole run, so its fallback letter
// depends on how many fallbacks came before; here every sample draws the first choice of a fresh
// generator seeded 42, so a sample's score does not depend on order, sharding or resuming
// (docs/official-evaluators.md#mmmu).
import { PythonRandom } from '../python-random.js';
import { pythonSplitWhitespace, pythonStripChars } from '../python-text.js';

/** The seed of the official evaluator's `random.seed(42)`. */
export const MMMU_FALLBACK_SEED = 42;

export interface MultiChoiceParse {
  /** The predicted letter. */
  letter: string;
  /** True when nothing in the response named an option and the letter was drawn at random. */
  randomFallback: boolean;
}

/** Letters A, B, C ... for `count` options (get_multi_choice_info). */
export function choiceLetters(count: number): string[] {
  return Array.from({ length: count }, (_unused, index) => String.fromCharCode(65 + index));
}

/** Python's str.rfind: the last index of `needle`, or -1. */
function rfind(haystack: string, needle: string): number {
  return haystack.lastIndexOf(needle);
}

export function parseMultiChoiceResponse(rawResponse: string, options: readonly string[]): MultiChoiceParse {
  const allChoices = choiceLetters(options.length);
  let response = rawResponse;
  for (const character of [',', '.', '!', '?', ';', ':', "'"]) response = pythonStripChars(response, character);
  response = ` ${response} `;

  let indexAnswer = true;
  let withBrackets = false;
  const candidates: string[] = [];
  for (const choice of allChoices) {
    if (response.includes(`(${choice})`)) {
      candidates.push(choice);
      withBrackets = true;
    }
  }
  if (candidates.length === 0) {
    for (const choice of allChoices) if (response.includes(` ${choice} `)) candidates.push(choice);
  }
  if (candidates.length === 0 && pythonSplitWhitespace(response).length > 5) {
    const lowered = response.toLowerCase();
    options.forEach((option, index) => {
      if (lowered.includes(option.toLowerCase())) {
        candidates.push(allChoices[index]!);
        indexAnswer = false;
      }
    });
  }

  if (candidates.length === 0) {
    return { letter: new PythonRandom(MMMU_FALLBACK_SEED).choice(allChoices), randomFallback: true };
  }
  if (candidates.length === 1) return { letter: candidates[0]!, randomFallback: false };
  const starts = candidates.map((candidate) => {
    if (!indexAnswer) return rfind(response.toLowerCase(), options[candidate.charCodeAt(0) - 65]!.toLowerCase());
    return withBrackets ? rfind(response, `(${candidate})`) : rfind(response, ` ${candidate} `);
  });
  // np.argmax: the first of equal maxima.
  let best = 0;
  starts.forEach((start, index) => {
    if (start > starts[best]!) best = index;
  });
  return { letter: candidates[best]!, randomFallback: false };
}
