// The few Python str operations the official MMMU evaluator leans on, with Python's semantics:
// str.isspace() whitespace (which is not JavaScript's \s: Python adds \x1c-\x1f and \x85, JavaScript
// adds \ufeff), strip / split without arguments, strip(chars), and float() on a string.

/** The characters for which Python's str.isspace() is true. */
export const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const LEADING = new RegExp(`^[${PYTHON_WHITESPACE}]+`);
const TRAILING = new RegExp(`[${PYTHON_WHITESPACE}]+$`);
const RUNS = new RegExp(`[${PYTHON_WHITESPACE}]+`);

/** `text.strip()`. */
export function pythonStrip(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '');
}

/** `text.strip(chars)`: every character in `chars` removed from both ends. */
export function pythonStripChars(text: string, chars: string): string {
  const set = new Set(chars);
  let start = 0;
  let end = text.length;
  while (start < end && set.has(text[start]!)) start++;
  while (end > start && set.has(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** `text.split()`: runs of whitespace separate, leading and trailing whitespace yields nothing. */
export function pythonSplitWhitespace(text: string): string[] {
  const stripped = pythonStrip(text);
  return stripped === '' ? [] : stripped.split(RUNS);
}

// float()'s grammar (Python 3.6+): sign, then digits with single underscores between them, an optional
// fraction and exponent; or inf / infinity / nan in any case. Any Unicode decimal digit counts.
const DIGITS = '\\p{Nd}(?:_?\\p{Nd})*';
const FLOAT_LITERAL = new RegExp(`^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)$`, 'iu');
const DECIMAL_DIGIT = /\p{Nd}/u;

/** A Unicode decimal digit's value: digits come in contiguous runs of ten starting at a zero. */
function digitValue(character: string): string {
  let codePoint = character.codePointAt(0)!;
  if (codePoint <= 0x39) return character;
  let start = codePoint;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  codePoint = (codePoint - start) % 10;
  return String(codePoint);
}

/** Python's `float(text)`, or undefined where it raises ValueError. */
export function pythonFloat(text: string): number | undefined {
  const literal = pythonStrip(text);
  if (!FLOAT_LITERAL.test(literal)) return undefined;
  const ascii = Array.from(literal.replace(/_/g, ''), (character) => (DECIMAL_DIGIT.test(character) ? digitValue(character) : character)).join('').toLowerCase();
  if (ascii.endsWith('nan')) return Number.NaN;
  if (ascii.endsWith('inf') || ascii.endsWith('infinity')) return ascii.startsWith('-') ? -Infinity : Infinity;
  // JavaScript's Number() reads the same decimal literals to the same nearest double (both round correctly).
  return Number(ascii);
}
