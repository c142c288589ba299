// The scanner's fast decoder must be invisible: for any document and any chunking, the elements
// (values with their key order, index, key, path, offset) and the error (message, field) are those of
// the capture-and-JSON.parse path. Random documents cover nesting, duplicate and special keys,
// escapes, raw and invalid UTF-8, numbers of every form, whitespace everywhere, and malformed bytes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { DataError } from '../../../core/errors.js';
import { decodeUtf8 } from '../../../core/validation.js';
import { JsonElementScanner, type JsonStreamElement, type JsonStreamTarget } from '../../../core/json/json-element-scanner.js';

type Outcome = { elements: Array<Omit<JsonStreamElement, 'value'> & { value: unknown; shape: unknown }>; error?: { message: string; field?: string } };

/** Key order is not part of deepStrictEqual; this records it beside the value. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object') return { prototype: Object.getPrototypeOf(value) === Object.prototype, keys: Object.keys(value), values: Object.values(value).map(shapeOf) };
  return value;
}

function scanAll(bytes: Buffer, target: JsonStreamTarget, chunkSize: number, fastDecode: boolean): Outcome {
  const scanner = new JsonElementScanner('doc.json', target, { fastDecode });
  const outcome: Outcome = { elements: [] };
  const take = (elements: JsonStreamElement[]) => {
    for (const element of elements) outcome.elements.push({ value: element.value, index: element.index, key: element.key, path: element.path, offset: element.offset, shape: shapeOf(element.value) });
  };
  try {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) take(scanner.push(bytes.subarray(offset, offset + chunkSize)));
    take(scanner.end());
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    outcome.error = { message: error.message, field: error.field };
  }
  return outcome;
}

/** mulberry32: a small seeded generator, so a failure names a reproducible seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = ['0', '-0', '7', '-12', '1e5', '1E+5', '2e-3', '1.0', '-0.0', '0.1', '1.5e-7', '123456789012345', '1234567890123456', '9007199254740993', '123456789012345678901234', '1e400', '-1e400', '4.9e-324', '1e-400'];
const BAD_NUMBERS = ['00', '01', '-', '1.', '.5', '+1', '1e', '1e+', '0x10', '--1', '1.e5', 'NaN', 'Infinity', '-Infinity'];
const KEYS = ['a', 'b', 'answer', 'answer_id', 'question_type', '0', '10', 'constructor', 'toString', '__proto__', 'é', 'a b', ''];
// Pieces of a string's content, as raw bytes in the file.
const STRING_PIECES: Array<string | number[]> = [
  'yes', 'no', '2', 'what color is the', ' ', 'x,]}[{:', '\\"', '\\\\', '\\/', '\\n', '\\t', '\\u00e9', '\\ud83d\\ude00', '\\ud800', '\\u0041',
  'é', '😀', '\u2028', 'ü', '中文',
  [0x09], [0x01], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], '\\x', '\\u12',
];

class Writer {
  private readonly parts: Buffer[] = [];
  constructor(private readonly next: () => number) {}
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  write(text: string | number[]): void {
    this.parts.push(typeof text === 'string' ? Buffer.from(text) : Buffer.from(text));
  }
  space(): void {
    if (this.chance(0.3)) this.write(this.pick([' ', '\n', '\t', '\r\n ', '  ']));
  }
  string(clean: boolean): void {
    this.write('"');
    const pieces = Math.floor(this.next() * 4);
    for (let piece = 0; piece < pieces; piece++) this.write(clean ? this.pick(STRING_PIECES.slice(0, 20)) : this.pick(STRING_PIECES));
    this.write('"');
  }
  value(depth: number, clean: boolean): void {
    const kind = this.next();
    if (depth < 4 && kind < 0.25) {
      this.write('{');
      const count = Math.floor(this.next() * 5);
      for (let entry = 0; entry < count; entry++) {
        if (entry > 0) this.write(',');
        this.space();
        this.write(JSON.stringify(this.pick(KEYS)));
        this.space();
        this.write(':');
        this.space();
        this.value(depth + 1, clean);
        this.space();
      }
      this.write('}');
    } else if (depth < 4 && kind < 0.4) {
      this.write('[');
      const count = Math.floor(this.next() * 5);
      for (let item = 0; item < count; item++) {
        if (item > 0) this.write(',');
        this.space();
        this.value(depth + 1, clean);
        this.space();
      }
      this.write(']');
    } else if (kind < 0.65) this.string(clean);
    else if (kind < 0.85) this.write(clean || this.chance(0.8) ? this.pick(NUMBERS) : this.pick(BAD_NUMBERS));
    else this.write(this.pick(['true', 'false', 'null']));
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function document(seed: number, target: JsonStreamTarget, clean: boolean): Buffer {
  const next = random(seed);
  const writer = new Writer(next);
  const elements = 1 + Math.floor(next() * 6);
  const body = () => {
    for (let element = 0; element < elements; element++) {
      if (element > 0) writer.write(',');
      writer.space();
      if (target.kind === 'object-entries') {
        writer.string(clean);
        writer.write(':');
        writer.space();
      }
      writer.value(0, clean);
      writer.space();
    }
  };
  if (target.kind === 'array') {
    writer.write('[');
    body();
    writer.write(']');
  } else if (target.kind === 'object-entries') {
    writer.write('{');
    body();
    writer.write('}');
  } else {
    writer.write('{"info":');
    writer.value(1, clean);
    writer.write(`, "${target.key}" :[`);
    body();
    writer.write(']}');
  }
  let bytes = writer.bytes();
  // Some documents get one byte changed, removed or added anywhere.
  if (!clean && next() < 0.3 && bytes.length > 0) {
    const at = Math.floor(next() * bytes.length);
    const byte = writer.pick([0x22, 0x2c, 0x5d, 0x7d, 0x5c, 0x3a, 0x30, 0x20, 0x00, 0xff]);
    const mode = next();
    if (mode < 0.33) bytes[at] = byte;
    else if (mode < 0.66) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
  }
  return bytes;
}

const TARGETS: JsonStreamTarget[] = [{ kind: 'array-under-key', key: 'items' }, { kind: 'array' }, { kind: 'object-entries' }];

function checkSame(bytes: Buffer, target: JsonStreamTarget, label: string): Outcome {
  const reference = scanAll(bytes, target, bytes.length || 1, false);
  for (const chunkSize of [bytes.length || 1, 1, 2, 3, 5, 7, 16, 61]) {
    const fast = scanAll(bytes, target, chunkSize, true);
    assert.deepStrictEqual(fast, chunkSize === (bytes.length || 1) ? reference : scanAll(bytes, target, chunkSize, false), `${label}, chunks of ${chunkSize}: ${bytes.toString('latin1')}`);
  }
  return reference;
}

test('random documents: the same elements and errors with and without the fast decoder, at any chunk size', () => {
  let failures = 0;
  for (let seed = 1; seed <= 700; seed++) {
    const target = TARGETS[seed % TARGETS.length]!;
    const outcome = checkSame(document(seed, target, false), target, `seed ${seed}`);
    if (outcome.error) failures++;
  }
  // The corpus holds both valid and malformed documents.
  assert.ok(failures > 100 && failures < 600, `${failures} of 700 documents malformed`);
});

test('random valid documents: each element equals JSON.parse of the whole document', () => {
  for (let seed = 1001; seed <= 1300; seed++) {
    const target = TARGETS[seed % TARGETS.length]!;
    const bytes = document(seed, target, true);
    const outcome = checkSame(bytes, target, `seed ${seed}`);
    assert.equal(outcome.error, undefined, `seed ${seed}: ${outcome.error?.message}`);
    const whole = JSON.parse(decodeUtf8(bytes)) as unknown;
    const expected = target.kind === 'array' ? (whole as unknown[]) : target.kind === 'object-entries' ? Object.values(whole as object) : (whole as Record<string, unknown[]>).items!;
    // A repeated entry key yields both elements; JSON.parse keeps the last one.
    if (target.kind === 'object-entries') continue;
    assert.deepStrictEqual(outcome.elements.map((element) => element.shape), expected.map(shapeOf), `seed ${seed}`);
  }
});

test('a repeated key keeps its first position and its last value, as JSON.parse does', () => {
  const bytes = Buffer.from('[{"a":1,"b":2,"a":3}, {"10":1,"x":2,"2":3,"x":4}]');
  const outcome = scanAll(bytes, { kind: 'array' }, bytes.length, true);
  assert.deepStrictEqual(
    outcome.elements.map((element) => element.shape),
    [shapeOf({ a: 3, b: 2 }), shapeOf(JSON.parse('{"10":1,"x":2,"2":3,"x":4}'))],
  );
  assert.deepEqual(Object.keys(outcome.elements[0]!.value as object), ['a', 'b']);
});

test('a __proto__ key stays an own property', () => {
  const bytes = Buffer.from('[{"__proto__":{"polluted":1},"a":1}]');
  const [element] = scanAll(bytes, { kind: 'array' }, bytes.length, true).elements;
  assert.deepEqual(Object.keys(element!.value as object), ['__proto__', 'a']);
  assert.equal(Object.getPrototypeOf(element!.value), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('thousands of distinct short strings (past the size of the string table) read back correctly', () => {
  const items = Array.from({ length: 6000 }, (_item, index) => ({ [`k${index % 3000}`]: `v${index}`, same: index % 7 === 0 ? 'yes' : 'no' }));
  const bytes = Buffer.from(JSON.stringify(items));
  const outcome = checkSame(bytes, { kind: 'array' }, 'distinct strings');
  assert.deepStrictEqual(outcome.elements.map((element) => element.shape), items.map(shapeOf));
});

test('nesting deeper than the fast decoder goes reads as JSON.parse reads it', () => {
  const deep = `${'['.repeat(60)}1${']'.repeat(60)}`;
  const bytes = Buffer.from(`[${deep}, ${deep.slice(0, -1)}]`);
  checkSame(bytes, { kind: 'array' }, 'deep');
  const valid = Buffer.from(`[${deep},{"a":${deep}}]`);
  assert.deepStrictEqual(checkSame(valid, { kind: 'array' }, 'deep valid').elements.map((element) => element.value), JSON.parse(valid.toString()));
});

test('objects of many key sequences, alternating at one depth, read as JSON.parse reads them', () => {
  const shapes = [['a', 'b'], ['b', 'a'], ['a', 'b', 'c'], ['a'], ['x', 'y'], ['10', 'a', '2'], ['a', 'b', 'a']];
  const items: string[] = [];
  for (let index = 0; index < 700; index++) {
    // Cycling through more sequences than a depth remembers, then hundreds of one-off sequences.
    const keys = index < 350 ? shapes[index % shapes.length]! : [`k${index}`, 'a'];
    items.push(`{${keys.map((key, position) => `"${key}":{"v":${position},"w":[{"answer":"yes"},{"answer":"no"}]}`).join(',')}}`);
  }
  // Keys written with escapes that decode to a known key.
  items.push('{"\\u0061":1,"b":2}', '{"a":1,"\\u0062":2}', '{"a\\"b":1}', '{"é":1,"a":2}');
  const bytes = Buffer.from(`[${items.join(',')}]`);
  const outcome = checkSame(bytes, { kind: 'array' }, 'shapes');
  assert.deepStrictEqual(outcome.elements.map((element) => element.shape), (JSON.parse(bytes.toString()) as unknown[]).map(shapeOf));
});

test('with code generation from strings disabled, objects are built key by key', () => {
  const script = [
    `import { JsonElementScanner } from ${JSON.stringify(new URL('../../../core/json/json-element-scanner.ts', import.meta.url).href)};`,
    'const scanner = new JsonElementScanner("x.json", { kind: "array" });',
    'const text = JSON.stringify(Array.from({ length: 50 }, (_, index) => ({ a: index, b: [{ c: "yes" }] })));',
    'const values = scanner.push(Buffer.from(text)).concat(scanner.end()).map((element) => element.value);',
    'console.log(JSON.stringify(values) === text ? "same" : "different");',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '--eval', script], { cwd: process.cwd(), encoding: 'utf8' });
  assert.equal(result.stdout.trim(), 'same', result.stderr);
});
