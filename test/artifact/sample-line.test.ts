// samples.jsonl's line writer must be JSON.stringify exactly: for the usual record (written field by
// field) and for anything else (handed to JSON.stringify). Random records cover strings that need
// escaping (control characters, quotes, backslashes, paired and lone surrogates), numbers of every
// form (-0, exponents, NaN, ±Infinity), null scores, meta of other types, and keys missing, extra or
// out of order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../core/random.js';
import { jsonNumber, jsonStringBody } from '../../core/json/json-text.js';
import { sampleLine } from '../../artifact/sample-line.js';
import type { SampleRecord } from '../../artifact/schema.js';

const PIECES = ['yes', 'no', '2', 'zebra crossing', '', ' ', 'é', '中文', '😀', '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udfff', '\ud83d', '/', '</script>', 'a"b\\c'];
const NUMBERS = [0, -0, 1, 0.5, 1 / 3, 66.66313668044444, 1e21, 1e-7, -12.5, 123456789012, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, Number.MIN_VALUE];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function text(random: () => number): string {
  let result = '';
  const pieces = Math.floor(random() * 4);
  for (let index = 0; index < pieces; index++) result += pick(random, PIECES);
  return result;
}

function metaOf(random: () => number): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const keys = Math.floor(random() * 4);
  for (let index = 0; index < keys; index++) {
    const key = random() < 0.15 ? String(Math.floor(random() * 3)) : random() < 0.1 ? text(random) : pick(random, ['answerType', 'questionType', 'category']);
    const kind = random();
    // Mostly strings (what emu-eval records); sometimes what it never writes, which must still match.
    meta[key] = kind < 0.8 ? text(random) : kind < 0.85 ? pick(random, NUMBERS) : kind < 0.9 ? undefined : kind < 0.95 ? null : [text(random)];
  }
  return meta;
}

function usualRecord(random: () => number): Record<string, unknown> {
  return {
    task: random() < 0.9 ? 'vqav2' : text(random),
    sampleId: random() < 0.8 ? String(Math.floor(random() * 1e9)) : text(random),
    shots: random() < 0.8 ? 0 : pick(random, NUMBERS),
    trial: 0,
    demoIds: random() < 0.8 ? [] : Array.from({ length: Math.floor(random() * 3) + 1 }, () => text(random)),
    promptHash: '8ea30991257b5d57',
    output: text(random),
    finishReason: pick(random, ['stop', 'length', 'error']),
    extracted: text(random),
    score: random() < 0.2 ? null : pick(random, NUMBERS),
    latencyMs: pick(random, NUMBERS),
    meta: metaOf(random),
  };
}

/** The usual record, or one bent out of it: a key dropped, added, moved, or a value of another type. */
function anyRecord(random: () => number): Record<string, unknown> {
  const record = usualRecord(random);
  const bend = random();
  if (bend < 0.5) return record;
  const keys = Object.keys(record);
  if (bend < 0.6) {
    delete record[pick(random, keys)];
    return record;
  }
  if (bend < 0.7) {
    record[pick(random, ['error', 'tokens', 'cached', 'judge', 'toJSON'])] = pick(random, ['boom', 3, true, { pred: 'yes', score: 5 }]);
    return record;
  }
  if (bend < 0.8) {
    const moved = pick(random, keys);
    const value = record[moved];
    delete record[moved];
    record[moved] = value;
    return record;
  }
  record[pick(random, keys)] = pick<unknown>(random, [undefined, null, 7, 'text', [1, 'a'], { nested: { deeper: [true] } }, false]);
  return record;
}

test('jsonStringBody and jsonNumber give JSON.stringify’s text', () => {
  const random = seededRandom(7);
  for (let index = 0; index < 5000; index++) {
    const value = text(random) + text(random);
    assert.equal(`"${jsonStringBody(value)}"`, JSON.stringify(value), `string body ${JSON.stringify(value)}`);
  }
  for (const value of NUMBERS) assert.equal(jsonNumber(value), JSON.stringify(value), `number ${value}`);
});

test('sampleLine is JSON.stringify for the usual record and every other', () => {
  for (const seed of [1, 2, 3]) {
    const random = seededRandom(seed);
    for (let index = 0; index < 4000; index++) {
      const record = anyRecord(random) as unknown as SampleRecord;
      assert.equal(sampleLine(record), JSON.stringify(record), `seed ${seed}, record ${index}: ${JSON.stringify(record)}`);
    }
  }
});

test('sampleLine leaves class instances, inherited keys and null prototypes to JSON.stringify', () => {
  const random = seededRandom(11);
  const usual = usualRecord(random);
  class Meta {
    answerType = 'yes/no';
    get questionType(): string {
      return 'is there a';
    }
  }
  const variants: unknown[] = [
    { ...usual, meta: new Meta() },
    { ...usual, meta: Object.assign(Object.create({ inherited: 'x' }) as object, { answerType: 'other' }) },
    { ...usual, meta: Object.assign(Object.create(null) as object, { answerType: 'other' }) },
    Object.assign(Object.create(null) as object, usual),
    { ...usual, meta: { toJSON: () => 'replaced' } },
    { ...usual, demoIds: Object.assign([], { 0: 'a', length: 2 }) },
  ];
  for (const variant of variants) assert.equal(sampleLine(variant as SampleRecord), JSON.stringify(variant));
});

test('a frozen meta is written once and reused; a frozen one with a getter is written every time', () => {
  const usual = usualRecord(seededRandom(12));
  const meta = Object.freeze({ answerType: 'yes/no', questionType: 'is there a' });
  for (let round = 0; round < 3; round++) {
    const record = { ...usual, meta } as unknown as SampleRecord;
    assert.equal(sampleLine(record), JSON.stringify(record));
  }
  let calls = 0;
  const changing = Object.freeze({
    get answerType(): string {
      calls++;
      return `type ${calls}`;
    },
  });
  for (let round = 0; round < 3; round++) {
    const record = { ...usual, meta: changing } as unknown as SampleRecord;
    // JSON.stringify runs the getter too: compare the line with the text the getter gave just before.
    const line = sampleLine(record);
    assert.ok(line.includes(`"answerType":"type ${calls}"`), line);
  }
});
