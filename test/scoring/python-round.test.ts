import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { roundHalfEven } from '../../scoring/metrics/python-round.js';

/** [x, digits, Python 3.11's round(x, digits)] */
const pythonResults: Array<[number, number, number]> = [
  [2.675, 2, 2.67], // stored as 2.67499999…
  [0.125, 2, 0.12], // exact tie: to even
  [0.375, 2, 0.38], // exact tie: to even
  [2.5, 0, 2],
  [3.5, 0, 4],
  [-2.5, 0, -2],
  [0.5, 0, 0],
  [1.5, 0, 2],
  [0.285, 2, 0.28],
  [1.005, 2, 1],
  [43.755, 2, 43.76],
  [0.005, 2, 0.01],
  [1.15, 1, 1.1],
  [1.25, 1, 1.2],
  [1.35, 1, 1.4],
  [59.999999999999986, 2, 60],
  [66.66666666666667, 2, 66.67],
  [33.33333333333333, 2, 33.33],
  [1250, -2, 1200],
  [1350, -2, 1400],
  [123.456, -1, 120],
  [5e-324, 2, 0],
  [1e22, 2, 1e22],
  [1.7976931348623157e308, 2, 1.7976931348623157e308],
  [4503599627370497, 0, 4503599627370497],
  [9007199254740992, -1, 9007199254740990],
  [6.02214076e23, -20, 6.022e23],
  [1e-320, 322, 1e-320],
  [123.456, 400, 123.456],
  [123.456, -400, 0],
];

describe('roundHalfEven', () => {
  it("matches Python's round(x, n) on the exact binary value, ties to even", () => {
    for (const [value, digits, expected] of pythonResults) {
      assert.equal(roundHalfEven(value, digits), expected, `round(${value}, ${digits})`);
    }
  });

  it('keeps the sign of a zero result, like Python', () => {
    assert.ok(Object.is(roundHalfEven(-0.5, 0), -0));
    assert.ok(Object.is(roundHalfEven(-0.001, 2), -0));
    assert.ok(Object.is(roundHalfEven(-0, 2), -0));
  });

  it('gives the official per-question percentages', () => {
    assert.equal(roundHalfEven(100 * 0.5999999999999999, 2), 60);
    assert.equal(roundHalfEven(100 * 0.3, 2), 30);
    assert.equal(roundHalfEven(100 * 0.8999999999999998, 2), 90);
  });

  it('passes non-finite values through and rejects fractional digits', () => {
    assert.equal(roundHalfEven(Number.POSITIVE_INFINITY, 2), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(roundHalfEven(Number.NaN, 2)));
    assert.throws(() => roundHalfEven(1, 1.5), RangeError);
  });

  it('sends every exact tie to the even neighbour', () => {
    // n + k/8 is stored exactly, so at 2 digits .125/.375/.625/.875 are true ties.
    const evenNeighbour: Record<string, string> = { '125': '12', '375': '38', '625': '62', '875': '88' };
    for (let integer = 0; integer < 5_000; integer++) {
      for (const [fraction, rounded] of Object.entries(evenNeighbour)) {
        assert.equal(roundHalfEven(Number(`${integer}.${fraction}`), 2), Number(`${integer}.${rounded}`));
        assert.equal(roundHalfEven(-Number(`${integer}.${fraction}`), 2), -Number(`${integer}.${rounded}`));
      }
    }
  });
});
