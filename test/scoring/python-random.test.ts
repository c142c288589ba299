import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PythonRandom } from '../../scoring/metrics/python-random.js';
import { pythonFloat, pythonSplitWhitespace, pythonStrip, pythonStripChars } from '../../scoring/metrics/python-text.js';

// Expected values printed by CPython 3.11: random.Random(seed).getrandbits(32) three times, then
// choice(range(7)) six times on the same generator.
const cpython: Array<[number, number[], number[]]> = [
  [0, [3626764237, 1654615998, 3255389356], [3, 0, 2, 4, 3, 3]],
  [42, [2746317213, 478163327, 107420369], [5, 2, 1, 1, 1, 5]],
  [2 ** 32 + 5, [675479763, 2085189291, 1213270837], [4, 6, 0, 2, 5, 1]],
  [123456789012, [1619264890, 2798649831, 88888752], [2, 1, 3, 1, 1, 6]],
];

describe('PythonRandom', () => {
  it('reproduces CPython for one- and two-word seeds', () => {
    for (const [seed, words, choices] of cpython) {
      const random = new PythonRandom(seed);
      assert.deepEqual([0, 1, 2].map(() => random.getrandbits(32)), words, `seed ${seed}`);
      const range = [0, 1, 2, 3, 4, 5, 6];
      assert.deepEqual(choices.map(() => random.choice(range)), choices, `seed ${seed}`);
    }
  });
  it('refuses what Python refuses', () => {
    assert.throws(() => new PythonRandom(0).choice([]), /empty sequence/);
    assert.throws(() => new PythonRandom(-1), /non-negative/);
  });
});

describe('Python str and float semantics', () => {
  it('float() accepts underscores, bare points, inf/nan and Unicode digits; rejects the rest', () => {
    assert.deepEqual(['1_000', '+.5', '5.', '1E3', '  -inf ', '١٢'].map(pythonFloat), [1000, 0.5, 5, 1000, -Infinity, 12]);
    assert.ok(Number.isNaN(pythonFloat('NaN')));
    for (const text of ['', '1__0', '_1', '1,0', '0x10', '1e', '.', 'infinit', '12abc']) assert.equal(pythonFloat(text), undefined, text);
  });
  it("whitespace is str.isspace()'s, not JavaScript's", () => {
    assert.deepEqual(pythonSplitWhitespace('\x1c a\x85b\ufeffc '), ['a', 'b\ufeffc']);
    assert.equal(pythonStrip('\ufeff x \x85'), '\ufeff x');
    assert.equal(pythonStripChars('..a.b..', '.'), 'a.b');
  });
});
