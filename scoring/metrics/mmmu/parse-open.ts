// MMMU's open-question parsing (mmmu/utils/eval_utils.py: parse_open_response, extract_numbers,
// normalize_str, check_is_number), transcribed with Python's semantics: the regular expressions use
// Unicode digits and word boundaries as Python's `re` does for str patterns, float() is Python's, and
// numbers are rounded to two decimals the way round(x, 2) does. A parsed prediction is a list of
// strings and numbers; Python's set() order does not matter, since eval_open asks whether any matches.
import { roundHalfEven } from '../python-round.js';
import { PYTHON_WHITESPACE, pythonFloat, pythonStrip, pythonStripChars } from '../python-text.js';

export type OpenPrediction = string | number;

const WORD = '[\\p{L}\\p{N}_]';
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const DIGIT = '\\p{Nd}';
const NUMBERS_WITH_COMMAS = new RegExp(`-?${BOUNDARY}${DIGIT}{1,3}(?:,${DIGIT}{3})+${BOUNDARY}`, 'gu');
const NUMBERS_SCIENTIFIC = new RegExp(`-?${DIGIT}+(?:\\.${DIGIT}+)?[eE][+-]?${DIGIT}+`, 'gu');
const NUMBERS_SIMPLE = new RegExp(`-?(?:${DIGIT}+\\.${DIGIT}+|\\.${DIGIT}+|${DIGIT}+${BOUNDARY})(?![eE][+-]?${DIGIT}+)(?![,${DIGIT}])`, 'gu');

/** extract_numbers: numbers with thousands commas, then scientific notation, then plain numbers. */
export function extractNumbers(text: string): string[] {
  return [NUMBERS_WITH_COMMAS, NUMBERS_SCIENTIFIC, NUMBERS_SIMPLE].flatMap((pattern) => Array.from(text.matchAll(pattern), (match) => match[0]));
}

/** check_is_number: float() accepts the text once commas are removed. */
export function checkIsNumber(text: string): boolean {
  return pythonFloat(text.replaceAll(',', '')) !== undefined;
}

/** normalize_str: a number rounded to two decimals, else the lowercased text (a single character padded both ways). */
export function normalizeStr(text: string): OpenPrediction[] {
  const stripped = pythonStrip(text);
  const number = pythonFloat(stripped.replaceAll(',', ''));
  if (number !== undefined) return [roundHalfEven(number, 2)];
  const lowered = stripped.toLowerCase();
  if (codePoints(lowered) === 1) return [` ${lowered}`, `${lowered} `];
  return [lowered];
}

const SENTENCE_SPLIT = new RegExp(`\\.[${PYTHON_WHITESPACE}](?=[A-Z])|\\n`);
const KEY_INDICATORS = ['could be ', 'so ', 'is ', 'thus ', 'therefore ', 'final ', 'answer ', 'result '];
const TRIVIAL = new Set([':', ',', '.', '!', '?', ';', "'"]);

/** Python's len(): code points, not UTF-16 units. */
function codePoints(text: string): number {
  return Array.from(text).length;
}

/** get_key_subresponses: per sentence, the shortest tail after an indicator word ("=" too in the last). */
function keySubresponses(rawResponse: string): string[] {
  const response = pythonStripChars(pythonStrip(rawResponse), '.').toLowerCase();
  const subResponses = response.split(SENTENCE_SPLIT);
  const keyResponses: string[] = [];
  subResponses.forEach((sentence, index) => {
    const indicators = index === subResponses.length - 1 ? [...KEY_INDICATORS, '='] : KEY_INDICATORS;
    // Python's `if not shortest` treats an empty tail like none found yet.
    let shortest: string | undefined;
    for (const indicator of indicators) {
      if (!sentence.includes(indicator)) continue;
      const pieces = sentence.split(indicator);
      const tail = pythonStrip(pieces[pieces.length - 1]!);
      if (!shortest || codePoints(tail) < codePoints(shortest)) shortest = tail;
    }
    if (shortest && !TRIVIAL.has(pythonStrip(shortest))) keyResponses.push(shortest);
  });
  return keyResponses.length === 0 ? [response] : keyResponses;
}

/** parse_open_response: the key phrases and every number in them, normalized and deduplicated. */
export function parseOpenResponse(response: string): OpenPrediction[] {
  const keyResponses = keySubresponses(response);
  const predictions = [...keyResponses, ...keyResponses.flatMap(extractNumbers)];
  const normalized = predictions.flatMap(normalizeStr);
  // Not a Set: it would turn -0 into 0, which Python's set keeps.
  const unique: OpenPrediction[] = [];
  for (const value of normalized) if (!unique.some((seen) => seen === value)) unique.push(value);
  return unique;
}
