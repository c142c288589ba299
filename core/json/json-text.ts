// JSON text of strings and numbers, the same as JSON.stringify gives, without its call for the common
// case: samples.jsonl writes a dozen of them per sample (214,354 samples for VQAv2 val).

/** A character JSON.stringify escapes (control characters, quote, backslash) or may (any surrogate: lone ones are escaped). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * JSON.stringify(text) without its quotes: the text itself when nothing in it needs escaping (no new
 * string), for writers whose template holds the quotes.
 */
export function jsonStringBody(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

/** JSON.stringify(value) for a number: its shortest round-trip text, null for NaN and ±Infinity (and 0 for -0). */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? `${value}` : 'null';
}
