import { DataError } from '../errors.js';
import { describeJsonPath } from './json-path.js';
import { decodeUtf8 } from '../validation.js';
import { DECODE_FAILED, JsonFastDecoder } from './json-fast-decoder.js';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE, isLiteralEnd, isWhitespace } from './json-bytes.js';

export type JsonStreamTarget =
  /** Elements of a top-level array (VizWiz). */
  | { kind: 'array' }
  /** Elements of the array under one key of a top-level object (`questions`, `annotations`, `data`). */
  | { kind: 'array-under-key'; key: string }
  /** Entries of a top-level object (GQA: question id → question). */
  | { kind: 'object-entries' };

export interface JsonStreamElement {
  value: unknown;
  /** 0-based position inside the streamed container. */
  index: number;
  /** The entry's key (object-entries only). */
  key?: string;
  /** JSON path of the element, e.g. `annotations[12]`, `[3]`, `201307251`. */
  readonly path: string;
  /** Byte offset of the element's first byte in the file. */
  offset: number;
}

// The byte-level state machine behind streamJsonFile. It parses the outer structure itself (the
// top-level object or array, keys, commas) and, for each value, only tracks strings, escapes and
// bracket depth until the value closes; the value's bytes then go to JSON.parse, which does the
// full validation. Structural characters are ASCII, so multi-byte UTF-8 never confuses the scan.
// A value that lies inside the current chunk is first offered to JsonFastDecoder, which reads it from
// the bytes directly; whatever it gives up on (malformed JSON included) takes the capture path, so
// values and error messages are those of JSON.parse either way.

const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

const enum State {
  BeforeRoot,
  ObjectKeyOrEnd,
  ObjectKey,
  ObjectColon,
  ObjectValue,
  ObjectCommaOrEnd,
  ArrayValueOrEnd,
  ArrayValue,
  ArrayCommaOrEnd,
  AfterRoot,
  Capture,
}

const enum CaptureKind {
  Container,
  String,
  Literal,
}

const enum Purpose {
  Key,
  Skip,
  Element,
}

function showByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

/** An element of an array: its path is made when asked for (only a problem names it; 200,000 go unasked in VQAv2). */
class ArrayElement implements JsonStreamElement {
  readonly key = undefined;
  constructor(
    public value: unknown,
    readonly index: number,
    readonly offset: number,
    /** The key of the array in the top-level object, undefined for a top-level array. */
    private readonly arrayKey: string | undefined,
  ) {}

  get path(): string {
    return arrayElementPath(this.arrayKey, this.index);
  }
}

function arrayElementPath(arrayKey: string | undefined, index: number): string {
  return arrayKey === undefined ? `[${index}]` : `${arrayKey}[${index}]`;
}

export interface JsonScannerOptions {
  /** False: every value takes the capture-and-JSON.parse path (tests compare both paths). */
  fastDecode?: boolean;
}

/** Push-based scanner: feed chunks, get back the elements completed so far. It keeps no reference to a chunk after push() returns. */
export class JsonElementScanner {
  private state = State.BeforeRoot;
  private offset = 0;
  private index = 0;
  private key = '';
  private keysSeen: string[] = [];
  private targetFound = false;
  /** True while the array states describe the array under the target key rather than a root array. */
  private inNestedArray = false;

  private captureKind = CaptureKind.Container;
  private purpose = Purpose.Element;
  private captureStart = 0;
  private captureParts: Buffer[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  /**
   * Array elements completed inside the current chunk, not parsed yet: consecutive elements of an array
   * are parsed together, as one JSON array (one decode and one JSON.parse per run of elements instead of
   * one per element). `start`/`end` are positions in the chunk.
   */
  private run: Array<{ element: JsonStreamElement; start: number; end: number }> = [];
  private runChunk: Buffer | undefined;
  private readonly decoder: JsonFastDecoder | undefined;

  constructor(
    private readonly file: string,
    private readonly target: JsonStreamTarget,
    options: JsonScannerOptions = {},
  ) {
    this.decoder = options.fastDecode === false ? undefined : new JsonFastDecoder();
  }

  push(chunk: Buffer): JsonStreamElement[] {
    const elements: JsonStreamElement[] = [];
    try {
      this.scan(chunk, elements);
      this.parseRun();
    } catch (error) {
      // An element before the failing byte that is not valid JSON was the first problem in the file:
      // parsing the run reports it (as parsing each element as it closed did).
      this.parseRun();
      throw error;
    } finally {
      this.runChunk = undefined;
    }
    return elements;
  }

  private scan(chunk: Buffer, elements: JsonStreamElement[]): void {
    this.runChunk = chunk;
    if (this.offset === 0 && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      throw this.malformed(0, 'the file starts with a UTF-16 byte-order mark; JSON files must be UTF-8 (re-save the file as UTF-8)');
    }
    let i = 0;
    while (i < chunk.length) {
      if (this.state === State.Capture) {
        i = this.continueCapture(chunk, i, elements);
        continue;
      }
      const byte = chunk[i];
      // A UTF-8 byte-order mark is allowed before the value (some Windows tools write one).
      if (isWhitespace(byte) || (this.state === State.BeforeRoot && this.offset + i < 3 && byte === BYTE_ORDER_MARK[this.offset + i])) {
        i++;
        continue;
      }
      i = this.structural(byte, i, chunk, elements);
    }
    if (this.state === State.Capture && this.purpose !== Purpose.Skip) {
      // A copy: the caller may read the next chunk into the same buffer.
      this.captureParts.push(Buffer.from(chunk.subarray(this.captureSliceStart(), chunk.length)));
    }
    this.offset += chunk.length;
  }

  end(): JsonStreamElement[] {
    const elements: JsonStreamElement[] = [];
    // A number or literal may run to the end of the file; only a root-level one could, which is an error anyway.
    if (this.state === State.Capture && this.captureKind === CaptureKind.Literal) this.finishCapture(Buffer.alloc(0), elements);
    if (this.state !== State.AfterRoot) {
      throw this.malformed(this.offset, `unexpected end of file: ${this.expectation()}`);
    }
    if (this.target.kind === 'array-under-key' && !this.targetFound) {
      const found = this.keysSeen.length === 0 ? 'an empty object' : `keys ${this.keysSeen.map((key) => JSON.stringify(key)).join(', ')}`;
      throw new DataError(`${this.file}: expected a top-level object with a "${this.target.key}" array, found ${found}`, this.file, this.target.key);
    }
    return elements;
  }

  /**
   * Handles one non-whitespace byte outside a capture; returns the next position to read: past the
   * byte, past a value decoded whole, or the byte itself when it starts a capture that must re-read it.
   */
  private structural(byte: number, position: number, chunk: Buffer, elements: JsonStreamElement[]): number {
    const at = this.offset + position;
    const next = position + 1;
    switch (this.state) {
      case State.BeforeRoot:
        if (this.target.kind === 'array') {
          if (byte !== OPEN_BRACKET) throw this.malformed(at, `expected '[' starting a top-level array, found ${showByte(byte)}`);
          this.state = State.ArrayValueOrEnd;
        } else {
          if (byte !== OPEN_BRACE) throw this.malformed(at, `expected '{' starting a top-level object, found ${showByte(byte)}`);
          this.state = State.ObjectKeyOrEnd;
        }
        return next;
      case State.ObjectKeyOrEnd:
      case State.ObjectKey:
        if (byte === CLOSE_BRACE && this.state === State.ObjectKeyOrEnd) {
          this.state = State.AfterRoot;
          return next;
        }
        if (byte !== QUOTE) throw this.malformed(at, `expected a double-quoted key in the top-level object, found ${showByte(byte)}`);
        if (this.decoder !== undefined) {
          const end = this.decoder.decode(chunk, position);
          if (end !== DECODE_FAILED) {
            this.takeKey(this.decoder.value as string);
            return end;
          }
        }
        this.beginCapture(Purpose.Key, byte, at);
        return position;
      case State.ObjectColon:
        if (byte !== COLON) throw this.malformed(at, `expected ':' after key ${JSON.stringify(this.key)}, found ${showByte(byte)}`);
        this.state = State.ObjectValue;
        return next;
      case State.ObjectValue:
        if (this.target.kind === 'array-under-key' && this.key === this.target.key) {
          if (byte !== OPEN_BRACKET) throw this.malformed(at, `expected an array under "${this.key}", found ${showByte(byte)}`);
          if (this.targetFound) throw this.malformed(at, `key "${this.key}" appears twice in the top-level object`);
          this.targetFound = true;
          this.inNestedArray = true;
          this.state = State.ArrayValueOrEnd;
          return next;
        }
        if (this.target.kind === 'object-entries') {
          const end = this.decodeElement(chunk, position, elements);
          if (end !== DECODE_FAILED) return end;
          this.beginCapture(Purpose.Element, byte, at);
        } else {
          this.beginCapture(Purpose.Skip, byte, at);
        }
        return position;
      case State.ObjectCommaOrEnd:
        if (byte === COMMA) this.state = State.ObjectKey;
        else if (byte === CLOSE_BRACE) this.state = State.AfterRoot;
        else throw this.malformed(at, `expected ',' or '}' after the value of ${JSON.stringify(this.key)}, found ${showByte(byte)}`);
        return next;
      case State.ArrayValueOrEnd:
      case State.ArrayValue:
        if (byte === CLOSE_BRACKET && this.state === State.ArrayValueOrEnd) {
          this.closeArray();
          return next;
        }
        if (byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE || byte === COLON) {
          throw this.malformed(at, `expected an element of ${this.containerName()}, found ${showByte(byte)}`);
        }
        {
          const end = this.decodeElement(chunk, position, elements);
          if (end !== DECODE_FAILED) return end;
        }
        this.beginCapture(Purpose.Element, byte, at);
        return position;
      case State.ArrayCommaOrEnd:
        if (byte === COMMA) this.state = State.ArrayValue;
        else if (byte === CLOSE_BRACKET) this.closeArray();
        else throw this.malformed(at, `expected ',' or ']' after ${this.elementPath(this.index - 1)}, found ${showByte(byte)}`);
        return next;
      case State.AfterRoot:
        throw this.malformed(at, `unexpected ${showByte(byte)} after the end of the top-level value`);
      default:
        throw new Error(`unreachable scanner state ${this.state}`);
    }
  }

  /**
   * Decodes the element starting at `position` of the chunk when the fast decoder can; returns the
   * position past it, or DECODE_FAILED (nothing consumed, nothing recorded).
   */
  private decodeElement(chunk: Buffer, position: number, elements: JsonStreamElement[]): number {
    if (this.decoder === undefined) return DECODE_FAILED;
    const end = this.decoder.decode(chunk, position);
    if (end === DECODE_FAILED) return DECODE_FAILED;
    // Elements captured before this one are parsed first: the first malformed one throws before any later element is taken.
    this.parseRun();
    elements.push(this.element(this.decoder.value, this.offset + position));
    this.state = this.target.kind === 'object-entries' ? State.ObjectCommaOrEnd : State.ArrayCommaOrEnd;
    return end;
  }

  private takeKey(key: string): void {
    this.key = key;
    // Only the key-finding mode needs the list (for its error message); GQA files hold a million keys.
    if (this.target.kind === 'array-under-key') this.keysSeen.push(key);
    this.state = State.ObjectColon;
  }

  private closeArray(): void {
    if (this.inNestedArray) {
      this.inNestedArray = false;
      this.state = State.ObjectCommaOrEnd;
    } else {
      this.state = State.AfterRoot;
    }
  }

  private beginCapture(purpose: Purpose, firstByte: number, at: number): void {
    this.purpose = purpose;
    this.captureStart = at;
    this.captureParts = [];
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    if (firstByte === OPEN_BRACE || firstByte === OPEN_BRACKET) this.captureKind = CaptureKind.Container;
    else if (firstByte === QUOTE) this.captureKind = CaptureKind.String;
    else this.captureKind = CaptureKind.Literal;
    if (purpose === Purpose.Key && this.captureKind !== CaptureKind.String) {
      throw this.malformed(at, `expected a double-quoted key, found ${showByte(firstByte)}`);
    }
    this.state = State.Capture;
  }

  /** Start of the current capture inside this chunk (0 when the capture began in an earlier chunk). */
  private captureSliceStart(): number {
    return Math.max(0, this.captureStart - this.offset);
  }

  /** Scans from `position` until the captured value ends or the chunk runs out; returns the next position. */
  private continueCapture(chunk: Buffer, position: number, elements: JsonStreamElement[]): number {
    let i = position;
    const length = chunk.length;
    if (this.captureKind === CaptureKind.Literal) {
      while (i < length && !isLiteralEnd(chunk[i])) i++;
      if (i < length) this.finishCapture(chunk.subarray(this.captureSliceStart(), i), elements);
      return i;
    }
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    // A string value counts as depth 0 with the opening quote still to read; the closing quote ends it.
    const stringValue = this.captureKind === CaptureKind.String;
    for (; i < length; i++) {
      const byte = chunk[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (stringValue) {
            i++;
            break;
          }
        }
        continue;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    const complete = stringValue ? !inString && i > position : depth === 0 && i > position;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    if (complete) this.finishCapture(chunk.subarray(this.captureSliceStart(), i), elements);
    return i;
  }

  private finishCapture(lastPart: Buffer, elements: JsonStreamElement[]): void {
    const purpose = this.purpose;
    if (purpose === Purpose.Skip) {
      this.captureParts = [];
      this.state = State.ObjectCommaOrEnd;
      return;
    }
    if (purpose === Purpose.Element && this.target.kind !== 'object-entries' && this.runChunk !== undefined && this.captureParts.length === 0 && this.captureStart >= this.offset) {
      // Inside the current chunk: parsed with the rest of the run when the chunk is done.
      const index = this.index++;
      const element = new ArrayElement(undefined, index, this.captureStart, this.arrayKey());
      const start = this.captureStart - this.offset;
      this.run.push({ element, start, end: start + lastPart.length });
      elements.push(element);
      this.state = State.ArrayCommaOrEnd;
      return;
    }
    this.parseRun();
    const bytes = this.captureParts.length === 0 ? lastPart : Buffer.concat([...this.captureParts, lastPart]);
    this.captureParts = [];
    if (purpose === Purpose.Key) {
      this.takeKey(this.parse(bytes, this.captureStart, 'a key of the top-level object') as string);
      return;
    }
    const isEntry = this.target.kind === 'object-entries';
    const path = isEntry ? describeJsonPath([this.key]) : this.elementPath(this.index);
    elements.push(this.element(this.parse(bytes, this.captureStart, path), this.captureStart, path));
    this.state = isEntry ? State.ObjectCommaOrEnd : State.ArrayCommaOrEnd;
  }

  /** Parses the pending run: all at once when every element is valid JSON, else one by one (for the first one's error). */
  private parseRun(): void {
    const run = this.run;
    const chunk = this.runChunk;
    if (run.length === 0 || chunk === undefined) return;
    this.run = [];
    if (run.length > 1) {
      let values: unknown;
      try {
        values = JSON.parse(`[${decodeUtf8(chunk.subarray(run[0]!.start, run[run.length - 1]!.end))}]`);
      } catch {
        values = undefined;
      }
      if (Array.isArray(values) && values.length === run.length) {
        for (let position = 0; position < run.length; position++) run[position]!.element.value = values[position];
        return;
      }
    }
    for (const { element, start, end } of run) element.value = this.parse(chunk.subarray(start, end), element.offset, element.path);
  }

  private parse(bytes: Buffer, start: number, where: string): unknown {
    const text = decodeUtf8(bytes);
    try {
      return JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      // Python's json.dump writes NaN and Infinity unless allow_nan=False; no JSON parser reads them.
      const nonFinite = /[:,[]\s*(-?(?:NaN|Infinity))(?=\s*(?:[,}\]]|$))/.exec(text);
      if (nonFinite) {
        const byteOffset = start + Buffer.byteLength(text.slice(0, nonFinite.index + nonFinite[0].length - nonFinite[1]!.length));
        throw this.malformed(byteOffset, `${nonFinite[1]} is not a JSON value (in ${where}; Python's json.dump writes it unless allow_nan=False)`, where);
      }
      const position = /at position (\d+)/.exec(message);
      const byteOffset = position ? start + Buffer.byteLength(text.slice(0, Number(position[1]))) : start;
      throw this.malformed(byteOffset, `${message} (in ${where}, which starts at byte ${start})`, where);
    }
  }

  /** The next element (the next index): an array element, or an entry of the top-level object under the current key. */
  private element(value: unknown, offset: number, entryPath?: string): JsonStreamElement {
    const index = this.index++;
    if (this.target.kind !== 'object-entries') return new ArrayElement(value, index, offset, this.arrayKey());
    return { value, index, key: this.key, path: entryPath ?? describeJsonPath([this.key]), offset };
  }

  private arrayKey(): string | undefined {
    return this.target.kind === 'array-under-key' ? this.target.key : undefined;
  }

  private elementPath(index: number): string {
    return arrayElementPath(this.arrayKey(), index);
  }

  private containerName(): string {
    return this.target.kind === 'array-under-key' ? `the "${this.target.key}" array` : 'the top-level array';
  }

  private expectation(): string {
    switch (this.state) {
      case State.BeforeRoot:
        return this.offset === 0 ? 'the file is empty' : 'no JSON value found';
      case State.Capture:
        return this.purpose === Purpose.Element ? `${this.containerName()} ends inside an element that starts at byte ${this.captureStart}` : `a value starting at byte ${this.captureStart} is not closed`;
      case State.ArrayValueOrEnd:
      case State.ArrayValue:
      case State.ArrayCommaOrEnd:
        return `${this.containerName()} is not closed with ']'`;
      default:
        return "the top-level object is not closed with '}'";
    }
  }

  private malformed(byteOffset: number, detail: string, field?: string): DataError {
    return new DataError(`${this.file}: malformed JSON at byte ${byteOffset}: ${detail}`, this.file, field);
  }
}
