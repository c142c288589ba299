// Decodes one JSON value straight from the bytes of a read chunk, for the common case: a value that
// lies wholly inside the chunk and that this decoder reads exactly as JSON.parse would. Anything else
// (the chunk ends inside the value, invalid JSON, a control character in a string, a `__proto__` key,
// deep nesting) makes it give up, and the caller takes its general path (decode the bytes, JSON.parse
// them), so every error message stays the one JSON.parse gives.
//
// Why: a VQAv2 annotations file is 150 MB of small objects whose keys and most string values ("yes",
// "answer_confidence", "what color is the") repeat millions of times. Decoding the text and handing it
// to JSON.parse creates every one of those strings anew; reading the bytes here reuses the string made
// the first time (ShortStrings) and builds objects of a known key sequence in one step (ObjectShapes).

import { MAX_SHORT_STRING_BYTES, ShortStrings, nextStringHash, type ByteSlices } from './json-short-strings.js';
import { ObjectShapes } from './json-object-shapes.js';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, DOT, MINUS, OPEN_BRACE, OPEN_BRACKET, PLUS, QUOTE, ZERO, isDigit, isLiteralEnd, isWhitespace } from './json-bytes.js';

export const DECODE_FAILED = -1;

/** Nesting deeper than this goes to JSON.parse (no element of a dataset file nests this deep). */
const MAX_DEPTH = 32;
/** Integers with at most this many digits are exact in a double whichever way they are summed. */
const MAX_EXACT_DIGITS = 15;

export class JsonFastDecoder {
  /** The value the last successful decode() read. */
  value: unknown = undefined;
  private readonly shortStrings = new ShortStrings();
  private readonly shapes = new ObjectShapes();
  /** Per nesting depth, the keys and values of the object being read there. */
  private readonly keysAt: string[][] = [];
  private readonly valuesAt: unknown[][] = [];

  /**
   * Decodes the value whose first byte is at `start`; returns the position just past it, or
   * DECODE_FAILED. A number or literal must be followed, inside `bytes`, by a byte that ends it.
   */
  decode(bytes: Buffer, start: number): number {
    const end = this.valueAt(bytes, start, 0);
    if (end === DECODE_FAILED) return DECODE_FAILED;
    const first = bytes[start]!;
    if (first !== QUOTE && first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      if (end >= bytes.length) return DECODE_FAILED;
      if (!isLiteralEnd(bytes[end]!)) return DECODE_FAILED;
    }
    return end;
  }

  private valueAt(bytes: Buffer, start: number, depth: number): number {
    if (start >= bytes.length) return DECODE_FAILED;
    const first = bytes[start]!;
    if (first === QUOTE) return this.stringAt(bytes, start);
    if (first === OPEN_BRACE) return depth >= MAX_DEPTH ? DECODE_FAILED : this.objectAt(bytes, start, depth + 1);
    if (first === OPEN_BRACKET) return depth >= MAX_DEPTH ? DECODE_FAILED : this.arrayAt(bytes, start, depth + 1);
    if (first === MINUS || isDigit(first)) return this.numberAt(bytes, start);
    if (first === 0x74) return this.literalAt(bytes, start, 'true', true);
    if (first === 0x66) return this.literalAt(bytes, start, 'false', false);
    if (first === 0x6e) return this.literalAt(bytes, start, 'null', null);
    return DECODE_FAILED;
  }

  private objectAt(bytes: Buffer, start: number, depth: number): number {
    const length = bytes.length;
    let i = skipWhitespace(bytes, start + 1);
    if (i < length && bytes[i] === CLOSE_BRACE) {
      this.value = {};
      return i + 1;
    }
    const keys = (this.keysAt[depth] ??= []);
    const values = (this.valuesAt[depth] ??= []);
    const predicted = this.shapes.predicted(depth);
    // True while every key so far is the predicted shape's key at that position.
    let following = predicted !== undefined;
    let count = 0;
    while (true) {
      if (i >= length || bytes[i] !== QUOTE) return DECODE_FAILED;
      let key: string;
      const expected = following && count < predicted!.keys.length ? predicted!.keyBytes[count]! : undefined;
      if (expected !== undefined && matchesKey(bytes, i, expected)) {
        key = predicted!.keys[count]!;
        i += expected.length + 2;
      } else {
        following = false;
        i = this.stringAt(bytes, i);
        if (i === DECODE_FAILED) return DECODE_FAILED;
        key = this.value as string;
        // Assigning `__proto__` would set the prototype; JSON.parse makes it an own property.
        if (key === '__proto__') return DECODE_FAILED;
      }
      i = skipWhitespace(bytes, i);
      if (i >= length || bytes[i] !== COLON) return DECODE_FAILED;
      i = this.valueAt(bytes, skipWhitespace(bytes, i + 1), depth);
      if (i === DECODE_FAILED) return DECODE_FAILED;
      keys[count] = key;
      values[count] = this.value;
      count++;
      i = skipWhitespace(bytes, i);
      if (i >= length) return DECODE_FAILED;
      const next = bytes[i];
      if (next === CLOSE_BRACE) break;
      if (next !== COMMA) return DECODE_FAILED;
      i = skipWhitespace(bytes, i + 1);
    }
    const shape = following && count === predicted!.keys.length ? predicted : this.shapes.find(depth, keys, count);
    if (shape !== undefined) {
      this.value = shape.make(values);
    } else {
      const object: Record<string, unknown> = {};
      // A repeated key keeps its first position and takes the last value, as in JSON.parse.
      for (let position = 0; position < count; position++) object[keys[position]!] = values[position];
      this.value = object;
    }
    // `values` keeps the last object's values until the next object at this depth: one element's worth.
    return i + 1;
  }

  private arrayAt(bytes: Buffer, start: number, depth: number): number {
    const length = bytes.length;
    const array: unknown[] = [];
    let i = skipWhitespace(bytes, start + 1);
    if (i < length && bytes[i] === CLOSE_BRACKET) {
      this.value = array;
      return i + 1;
    }
    while (true) {
      i = this.valueAt(bytes, i, depth);
      if (i === DECODE_FAILED) return DECODE_FAILED;
      array.push(this.value);
      i = skipWhitespace(bytes, i);
      if (i >= length) return DECODE_FAILED;
      const next = bytes[i];
      if (next === CLOSE_BRACKET) {
        this.value = array;
        return i + 1;
      }
      if (next !== COMMA) return DECODE_FAILED;
      i = skipWhitespace(bytes, i + 1);
    }
  }

  private stringAt(bytes: Buffer, start: number): number {
    const length = bytes.length;
    let hash = 0;
    let ascii = true;
    let i = start + 1;
    for (; i < length; i++) {
      const byte = bytes[i]!;
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) return this.escapedStringAt(bytes, start);
      if (byte < 0x20) return DECODE_FAILED;
      if (byte >= 0x80) ascii = false;
      hash = nextStringHash(hash, byte);
    }
    if (i >= length) return DECODE_FAILED;
    const slices = bytes as unknown as ByteSlices;
    // Per string, the same text as decoding the whole element: a quote is ASCII and never part of a
    // multi-byte sequence, so an invalid sequence before it is replaced the same way either way.
    if (!ascii) this.value = slices.utf8Slice(start + 1, i);
    else if (i - start - 1 <= MAX_SHORT_STRING_BYTES) this.value = this.shortStrings.get(bytes, start + 1, i, hash);
    else this.value = slices.latin1Slice(start + 1, i);
    return i + 1;
  }

  /** A string with escapes: JSON.parse of just the string, which unescapes exactly as parsing the element would. */
  private escapedStringAt(bytes: Buffer, start: number): number {
    const length = bytes.length;
    let ascii = true;
    let i = start + 1;
    for (; i < length; i++) {
      const byte = bytes[i]!;
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) i++;
      else if (byte >= 0x80) ascii = false;
    }
    if (i >= length) return DECODE_FAILED;
    const slices = bytes as unknown as ByteSlices;
    const text = ascii ? slices.latin1Slice(start, i + 1) : slices.utf8Slice(start, i + 1);
    try {
      this.value = JSON.parse(text);
    } catch {
      return DECODE_FAILED;
    }
    return i + 1;
  }

  private numberAt(bytes: Buffer, start: number): number {
    const length = bytes.length;
    let i = start;
    const negative = bytes[i] === MINUS;
    if (negative) i++;
    if (i >= length) return DECODE_FAILED;
    let integer = 0;
    const digitsStart = i;
    if (bytes[i] === ZERO) i++;
    else if (isDigit(bytes[i]!)) {
      while (i < length && isDigit(bytes[i]!)) integer = integer * 10 + (bytes[i++]! - ZERO);
    } else return DECODE_FAILED;
    let plain = i - digitsStart <= MAX_EXACT_DIGITS;
    if (i < length && bytes[i] === DOT) {
      plain = false;
      i++;
      const fractionStart = i;
      while (i < length && isDigit(bytes[i]!)) i++;
      if (i === fractionStart) return DECODE_FAILED;
    }
    if (i < length && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
      plain = false;
      i++;
      if (i < length && (bytes[i] === PLUS || bytes[i] === MINUS)) i++;
      const exponentStart = i;
      while (i < length && isDigit(bytes[i]!)) i++;
      if (i === exponentStart) return DECODE_FAILED;
    }
    // Fractions, exponents and long integers: Number() reads the same JSON number syntax to the same
    // correctly rounded double as JSON.parse.
    this.value = plain ? (negative ? -integer : integer) : Number((bytes as unknown as ByteSlices).latin1Slice(start, i));
    return i;
  }

  private literalAt(bytes: Buffer, start: number, word: string, value: boolean | null): number {
    if (start + word.length > bytes.length) return DECODE_FAILED;
    for (let position = 1; position < word.length; position++) if (bytes[start + position] !== word.charCodeAt(position)) return DECODE_FAILED;
    this.value = value;
    return start + word.length;
  }
}

/** Whether the string starting with the quote at `start` is exactly `key` (plain bytes, no escapes). */
function matchesKey(bytes: Buffer, start: number, key: Uint8Array): boolean {
  const length = key.length;
  const first = start + 1;
  if (first + length >= bytes.length || bytes[first + length] !== QUOTE) return false;
  for (let position = 0; position < length; position++) if (bytes[first + position] !== key[position]) return false;
  return true;
}

function skipWhitespace(bytes: Buffer, start: number): number {
  // Most files have no whitespace between tokens: one comparison settles it.
  if (start < bytes.length && bytes[start]! > 0x20) return start;
  let i = start;
  while (i < bytes.length && isWhitespace(bytes[i]!)) i++;
  return i;
}
