import { MAX_SHORT_STRING_BYTES, nextStringHash, ShortStrings, type ByteSlices } from '../core/json/json-short-strings.js';
import { PredictionTable } from './prediction-table.js';

// The official results file as evaluators write it — `[{"question_id": 262148000, "answer": "yes"}, …]`,
// 214,354 entries for VQAv2 val — read straight from its bytes into a PredictionTable: no JSON element,
// object or id string per entry. It takes only the plainest form: the two keys (either order), an integer
// id, an ASCII answer without escapes, whitespace anywhere JSON allows it. Anything else — another key,
// `image` ids, a fraction or exponent, an escape, a non-ASCII byte, a repeated id, malformed JSON — gives
// undefined, and the general reader (predictions.ts) reads the file again with its exact errors.

const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const QUESTION_ID = Buffer.from('question_id', 'latin1');
const ANSWER = Buffer.from('answer', 'latin1');

/** Thrown inside the reader when the bytes leave the plain form; never escapes readOfficialResultsBytes. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

class Reader {
  at = 0;
  private readonly strings = new ShortStrings();

  constructor(private readonly bytes: Buffer) {}

  skipSpace(): void {
    const bytes = this.bytes;
    let at = this.at;
    for (let byte = bytes[at]; byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB; byte = bytes[++at]);
    this.at = at;
  }

  /** The next byte after whitespace, consumed. */
  take(expected: number): void {
    this.skipSpace();
    if (this.bytes[this.at] !== expected) throw NOT_PLAIN;
    this.at++;
  }

  /** The byte after whitespace, not consumed (undefined at the end). */
  peek(): number | undefined {
    this.skipSpace();
    return this.bytes[this.at];
  }

  /** A key: which of the two it is (0 question_id, 1 answer). */
  key(): 0 | 1 {
    this.take(QUOTE);
    const start = this.at;
    const end = this.bytes.indexOf(QUOTE, start);
    if (end < 0) throw NOT_PLAIN;
    this.at = end + 1;
    if (this.bytesAre(QUESTION_ID, start, end)) return 0;
    if (this.bytesAre(ANSWER, start, end)) return 1;
    throw NOT_PLAIN;
  }

  private bytesAre(expected: Buffer, start: number, end: number): boolean {
    if (end - start !== expected.length) return false;
    const bytes = this.bytes;
    for (let index = 0; index < expected.length; index++) if (bytes[start + index] !== expected[index]) return false;
    return true;
  }

  /** An integer as JSON writes one: -?(0|[1-9][0-9]*), a safe integer, followed by a separator. */
  integer(): number {
    this.skipSpace();
    const bytes = this.bytes;
    let at = this.at;
    const negative = bytes[at] === MINUS;
    if (negative) at++;
    const first = at;
    let value = 0;
    for (let byte = bytes[at]!; byte >= ZERO && byte <= NINE; byte = bytes[++at]!) value = value * 10 + (byte - ZERO);
    const digits = at - first;
    // No digits, a leading zero, or more digits than a safe integer has: the general reader decides.
    if (digits === 0 || (digits > 1 && bytes[first] === ZERO) || digits > 15) throw NOT_PLAIN;
    const next = bytes[at];
    if (next !== COMMA && next !== CLOSE_BRACE && next !== SPACE && next !== LINE_FEED && next !== CARRIAGE_RETURN && next !== TAB) throw NOT_PLAIN;
    this.at = at;
    return negative ? -value : value;
  }

  /** An ASCII string without escapes or control characters; short ones are shared by their bytes. */
  string(): string {
    this.take(QUOTE);
    const bytes = this.bytes;
    const start = this.at;
    let at = start;
    let hash = 0;
    for (let byte = bytes[at]; byte !== QUOTE; byte = bytes[++at]) {
      if (byte === undefined || byte === BACKSLASH || byte < SPACE || byte >= 0x80) throw NOT_PLAIN;
      hash = nextStringHash(hash, byte);
    }
    this.at = at + 1;
    return at - start <= MAX_SHORT_STRING_BYTES ? this.strings.get(bytes, start, at, hash) : (bytes as unknown as ByteSlices).latin1Slice(start, at);
  }
}

/** The shortest entry, `{"question_id":1,"answer":""}` and a comma: the file size over this bounds the count. */
const MIN_ENTRY_BYTES = 30;

/** The answers of a results file in the plain official form, or undefined (the general reader then reads it). */
export function readOfficialResultsBytes(bytes: Buffer): PredictionTable | undefined {
  const reader = new Reader(bytes);
  // At most this many entries fit: tables sized once never grow (VQAv2's entries take ~45 bytes each).
  const answers = new PredictionTable(Math.ceil(bytes.length / MIN_ENTRY_BYTES));
  try {
    reader.take(OPEN_BRACKET);
    if (reader.peek() === CLOSE_BRACKET) reader.at++;
    else {
      for (;;) {
        reader.take(OPEN_BRACE);
        let id: number | undefined;
        let answer: string | undefined;
        for (let field = 0; field < 2; field++) {
          if (field === 1) reader.take(COMMA);
          const key = reader.key();
          reader.take(COLON);
          if (key === 0 && id === undefined) id = reader.integer();
          else if (key === 1 && answer === undefined) answer = reader.string();
          else throw NOT_PLAIN;
        }
        reader.take(CLOSE_BRACE);
        if (!answers.add(id!, answer!)) return undefined;
        const next = reader.peek();
        reader.at++;
        if (next === CLOSE_BRACKET) break;
        if (next !== COMMA) return undefined;
      }
    }
    if (reader.peek() !== undefined) return undefined;
    return answers;
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}
