// The answer processing of the official VQA evaluator (GT-Vision-Lab/VQA, vqaEval.py, master),
// reproduced character for character, including its accidents (docs/protocols.md#vqa-accuracy). Every table below
// is the evaluator's own; do not "fix" them, the published numbers depend on them.

import type { NormalizeMode } from '../../core/contracts/metric.js';

/** The 120-entry table, verbatim. Keys with capitals (`Im`, `Ive`, `Id've`, `I'dve`) can never match, because words are lowercased first. */
const contractions = new Map<string, string>([
  ['aint', "ain't"], ['arent', "aren't"], ['cant', "can't"], ['couldve', "could've"], ['couldnt', "couldn't"],
  ["couldn'tve", "couldn't've"], ["couldnt've", "couldn't've"], ['didnt', "didn't"], ['doesnt', "doesn't"],
  ['dont', "don't"], ['hadnt', "hadn't"], ["hadnt've", "hadn't've"], ["hadn'tve", "hadn't've"], ['hasnt', "hasn't"],
  ['havent', "haven't"], ['hed', "he'd"], ["hed've", "he'd've"], ["he'dve", "he'd've"], ['hes', "he's"],
  ['howd', "how'd"], ['howll', "how'll"], ['hows', "how's"], ["Id've", "I'd've"], ["I'dve", "I'd've"],
  ['Im', "I'm"], ['Ive', "I've"], ['isnt', "isn't"], ['itd', "it'd"], ["itd've", "it'd've"], ["it'dve", "it'd've"],
  ['itll', "it'll"], ["let's", "let's"], ['maam', "ma'am"], ['mightnt', "mightn't"], ["mightnt've", "mightn't've"],
  ["mightn'tve", "mightn't've"], ['mightve', "might've"], ['mustnt', "mustn't"], ['mustve', "must've"],
  ['neednt', "needn't"], ['notve', "not've"], ['oclock', "o'clock"], ['oughtnt', "oughtn't"],
  ["ow's'at", "'ow's'at"], ["'ows'at", "'ow's'at"], ["'ow'sat", "'ow's'at"], ['shant', "shan't"],
  ["shed've", "she'd've"], ["she'dve", "she'd've"], ["she's", "she's"], ['shouldve', "should've"],
  ['shouldnt', "shouldn't"], ["shouldnt've", "shouldn't've"], ["shouldn'tve", "shouldn't've"],
  ["somebody'd", 'somebodyd'], ["somebodyd've", "somebody'd've"], ["somebody'dve", "somebody'd've"],
  ['somebodyll', "somebody'll"], ['somebodys', "somebody's"], ['someoned', "someone'd"],
  ["someoned've", "someone'd've"], ["someone'dve", "someone'd've"], ['someonell', "someone'll"],
  ['someones', "someone's"], ['somethingd', "something'd"], ["somethingd've", "something'd've"],
  ["something'dve", "something'd've"], ['somethingll', "something'll"], ['thats', "that's"], ['thered', "there'd"],
  ["thered've", "there'd've"], ["there'dve", "there'd've"], ['therere', "there're"], ['theres', "there's"],
  ['theyd', "they'd"], ["theyd've", "they'd've"], ["they'dve", "they'd've"], ['theyll', "they'll"],
  ['theyre', "they're"], ['theyve', "they've"], ['twas', "'twas"], ['wasnt', "wasn't"], ["wed've", "we'd've"],
  ["we'dve", "we'd've"], ['weve', "we've"], ['werent', "weren't"], ['whatll', "what'll"], ['whatre', "what're"],
  ['whats', "what's"], ['whatve', "what've"], ['whens', "when's"], ['whered', "where'd"], ['wheres', "where's"],
  ['whereve', "where've"], ['whod', "who'd"], ["whod've", "who'd've"], ["who'dve", "who'd've"], ['wholl', "who'll"],
  ['whos', "who's"], ['whove', "who've"], ['whyll', "why'll"], ['whyre', "why're"], ['whys', "why's"],
  ['wont', "won't"], ['wouldve', "would've"], ['wouldnt', "wouldn't"], ["wouldnt've", "wouldn't've"],
  ["wouldn'tve", "wouldn't've"], ['yall', "y'all"], ["yall'll", "y'all'll"], ["y'allll", "y'all'll"],
  ["yall'd've", "y'all'd've"], ["y'alld've", "y'all'd've"], ["y'all'dve", "y'all'd've"], ['youd', "you'd"],
  ["youd've", "you'd've"], ["you'dve", "you'd've"], ['youll', "you'll"], ['youre', "you're"], ['youve', "you've"],
]);

/** The evaluator's `manualMap`: number words only up to ten, and `none` counts as zero. */
const numberWords = new Map<string, string>([
  ['none', '0'], ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'],
  ['five', '5'], ['six', '6'], ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'],
]);

const articles = new Set(['a', 'an', 'the']);

/** The 21 characters of `punct`. Apostrophe, colon, `$`, `%`, `&`, `*`, `#` are deliberately absent. */
const punctuationCharacters = ';/[]"{}()=+\\_->@`,?!<';

const SPACE = 0x20;
const PERIOD = 0x2e;
const COMMA = 0x2c;

/** Lookup by char code (all punctuation is ASCII), so the single pass below does no searching. */
const isPunctuationCode = new Uint8Array(128);
for (const character of punctuationCharacters) isPunctuationCode[character.charCodeAt(0)] = 1;

/** The evaluator's regexes are compiled without re.UNICODE, so `\d` is ASCII only (`٣` is not a digit). */
function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * What `\d` means to an evaluator: `ascii` for vqaEval.py as reproduced here; `unicode` for the
 * Python 3 evaluators (m4c, the VizWiz API), whose str patterns match any decimal digit (`٣`, `𝟘`).
 */
export type DigitClass = 'ascii' | 'unicode';

const unicodeDigit = /^\p{Nd}$/u;

/** The code point starting at `index` is a digit (false past either end). */
function digitStartsAt(text: string, index: number, digits: DigitClass): boolean {
  const code = text.charCodeAt(index);
  if (isAsciiDigit(code)) return true;
  if (digits === 'ascii' || Number.isNaN(code) || code < 0x80) return false;
  return unicodeDigit.test(String.fromCodePoint(text.codePointAt(index)!));
}

/** The code point ending just before `end` is a digit (a surrogate pair counts as one character, as in Python). */
function digitEndsAt(text: string, end: number, digits: DigitClass): boolean {
  if (end <= 0) return false;
  const last = text.charCodeAt(end - 1);
  const pairStart = last >= 0xdc00 && last <= 0xdfff && end >= 2 && text.charCodeAt(end - 2) >= 0xd800 && text.charCodeAt(end - 2) <= 0xdbff;
  return digitStartsAt(text, pairStart ? end - 2 : end - 1, digits);
}

/** The set Python's `str.strip()` and `str.split()` treat as whitespace (differs from JS `trim`: no U+FEFF, plus U+001C–U+001F and U+0085). */
function isPythonWhitespace(code: number): boolean {
  if (code <= SPACE) return (code >= 0x09 && code <= 0x0d) || code >= 0x1c;
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const pythonWhitespaceRun = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python's `text.strip()` with no argument. */
export function stripPythonWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isPythonWhitespace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Step 1, applied to every answer and prediction in both modes: `\n` and `\t` become spaces, then strip. */
export function cleanAnswer(text: string): string {
  const spaced = text.includes('\n') || text.includes('\t') ? text.replace(/[\n\t]/g, ' ') : text;
  return stripPythonWhitespace(spaced);
}

function containsDigitCommaDigit(text: string, digits: DigitClass): boolean {
  for (let index = text.indexOf(','); index !== -1; index = text.indexOf(',', index + 1)) {
    if (digitEndsAt(text, index, digits) && digitStartsAt(text, index + 1, digits)) return true;
  }
  return false;
}

/** Scratch (per punctuation char code): the character touches a space somewhere in the original text. */
const touchesSpace = new Uint8Array(128);

/** At most this many periods are removed: vqaEval.py passes `re.UNICODE` (= 32) where `sub` expects its count. */
const MAXIMUM_PERIODS_REMOVED = 32;

/**
 * `processPunctuation`. Each of the 21 characters is deleted when the *original* text has it next to a
 * space (either side) or has a digit-comma-digit anywhere, and replaced by a space otherwise; the
 * evaluator's 21 `str.replace` calls only ever insert spaces, so one pass gives the same result.
 * Then `periodStrip`: its `(?!<=\d)` is a lookahead for the two characters `<=` (not a lookbehind),
 * always true in front of a `.`, so the pattern is `\.(?!\d)`, judged on the text after the punctuation
 * step, applied to the first 32 matches.
 */
export function processPunctuation(text: string, digits: DigitClass = 'ascii'): string {
  const length = text.length;
  let hasPunctuation = false;
  let hasPeriod = false;
  touchesSpace.fill(0);
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === PERIOD) hasPeriod = true;
    else if (code < 128 && isPunctuationCode[code] === 1) {
      hasPunctuation = true;
      if (text.charCodeAt(index - 1) === SPACE || text.charCodeAt(index + 1) === SPACE) touchesSpace[code] = 1;
    }
  }
  let result = text;
  if (hasPunctuation) {
    const deleteAll = text.includes(',') && containsDigitCommaDigit(text, digits);
    result = '';
    let segmentStart = 0;
    for (let index = 0; index < length; index++) {
      const code = text.charCodeAt(index);
      if (code < 128 && isPunctuationCode[code] === 1) {
        result += text.slice(segmentStart, index);
        if (!deleteAll && touchesSpace[code] === 0) result += ' ';
        segmentStart = index + 1;
      }
    }
    result += text.slice(segmentStart);
  }
  return hasPeriod ? removePeriods(result, digits) : result;
}

function removePeriods(text: string, digits: DigitClass): string {
  let result = '';
  let segmentStart = 0;
  let removed = 0;
  for (let index = text.indexOf('.'); index !== -1 && removed < MAXIMUM_PERIODS_REMOVED; index = text.indexOf('.', index + 1)) {
    if (digitStartsAt(text, index + 1, digits)) continue;
    result += text.slice(segmentStart, index);
    segmentStart = index + 1;
    removed++;
  }
  return removed === 0 ? text : result + text.slice(segmentStart);
}

/** `processDigitArticle`: lowercase, split on whitespace, number words to digits, drop articles, contractions, join with single spaces. */
export function processDigitArticle(text: string): string {
  return processDigitArticleWith(text, contractions);
}

/** The same step with another evaluator's contractions table (VizWiz's differs from vqaEval.py's). */
export function processDigitArticleWith(text: string, contractions: ReadonlyMap<string, string>): string {
  const words = text.toLowerCase().split(pythonWhitespaceRun);
  let result = '';
  for (const word of words) {
    if (word === '') continue; // split() of Python drops the empty ends that JS keeps
    const mapped = numberWords.get(word) ?? word;
    if (articles.has(mapped)) continue;
    const expanded = contractions.get(mapped) ?? mapped;
    result = result === '' ? expanded : `${result} ${expanded}`;
  }
  return result;
}

/**
 * Answers repeat heavily (the 214k-question benchmark has about 91k distinct strings among 2.4M), so
 * memoizing is most of the speed. Bounded so a long-lived process (a nightly suite scoring many tasks)
 * can't grow without limit: when full it is simply emptied.
 */
const NORMALIZATION_CACHE_LIMIT = 500_000;
const normalizationCache = new Map<string, string>();

/** Steps 1 and 2 of docs/protocols.md#vqa-accuracy (punctuation, periods, digits/articles/contractions). Pure; memoized on the raw text. */
export function normalizeAnswer(text: string): string {
  const cached = normalizationCache.get(text);
  if (cached !== undefined) return cached;
  const normalized = processDigitArticle(processPunctuation(cleanAnswer(text)));
  if (normalizationCache.size >= NORMALIZATION_CACHE_LIMIT) normalizationCache.clear();
  normalizationCache.set(text, normalized);
  return normalized;
}

/** Empties the memo of `normalizeAnswer` (benchmarks measure a cold start with it). */
export function clearNormalizationCache(): void {
  normalizationCache.clear();
}

/**
 * Whether step 2 applies to this question. The official evaluator skips it when the (cleaned) human
 * answers are all identical, and then compares case-sensitively: `Black.` against ten `black` scores 0.
 */
export function shouldNormalize(answers: readonly string[], mode: NormalizeMode): boolean {
  if (mode === 'always') return true;
  const first = answers[0];
  if (first === undefined) return false;
  let cleanedFirst: string | undefined;
  for (let index = 1; index < answers.length; index++) {
    const answer = answers[index];
    if (answer === first) continue;
    cleanedFirst ??= cleanAnswer(first);
    if (cleanAnswer(answer) !== cleanedFirst) return true;
  }
  return false;
}
