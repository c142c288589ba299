import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, canonicalJsonByReplacer, hashOf } from '../../core/hash.js';
import { seededRandom } from '../../core/random.js';

const strings = ['', 'a', 'b', 'B', 'é', '\u2028', '"q"', 'x\ny', '\ud83d\ude00', 'file', 'type', '10', '9', '2x', 'ab', 'a\u0000'];

function randomValue(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.35) {
    const leaf = Math.floor(random() * 10);
    return [null, true, false, 0, -0, 1.5, Number.NaN, Infinity, undefined, strings[Math.floor(random() * strings.length)]][leaf];
  }
  if (roll < 0.55) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  const entries = Array.from({ length: Math.floor(random() * 5) }, () => [strings[Math.floor(random() * strings.length)]!, randomValue(random, depth + 1)] as const);
  return Object.fromEntries(entries);
}

test('canonical JSON gives the text of its definition on random plain data', () => {
  const random = seededRandom(7);
  for (let index = 0; index < 3000; index++) {
    const value = { nested: randomValue(random, 0), list: [randomValue(random, 1), undefined, () => 1] };
    assert.equal(canonicalJson(value), canonicalJsonByReplacer(value));
  }
});

test('keys sort by code unit; array-index keys, dates, typed arrays and maps keep the definition', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: undefined, c: [undefined, 'x'] }, B: null }), '{"B":null,"a":{"c":[null,"x"]},"b":1}');
  for (const value of [{ 10: 'a', 9: 'b', x: 1 }, { when: new Date(0) }, { bytes: new Uint8Array([1, 2]) }, { map: new Map([[1, 2]]) }, [Object.create(null)]]) {
    assert.equal(canonicalJson(value), canonicalJsonByReplacer(value));
  }
  assert.equal(canonicalJson({ 10: 'a', 9: 'b' }), '{"9":"b","10":"a"}');
  assert.throws(() => canonicalJson({ big: 1n }), TypeError);
  assert.equal(hashOf({ a: 1 }, 16), hashOf({ a: 1, b: undefined }, 16));
});
