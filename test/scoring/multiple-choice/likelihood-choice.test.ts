import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mostLikely, mostLikelyLetter } from '../../../scoring/multiple-choice/likelihood-choice.js';

// SEED-Bench eval.py: pred_id = ['A', 'B', 'C', 'D'][argsort(losses)[0]], loss = summed token NLL,
// so the prediction is the option with the highest summed log-probability.

test('the highest summed log-probability wins (lowest loss in eval.py)', () => {
  // losses 4.2, 1.3, 2.8, 9.0 → argsort [1, 2, 0, 3] → B
  assert.equal(mostLikelyLetter([-4.2, -1.3, -2.8, -9.0]), 'B');
  assert.equal(mostLikely([-0.5, -0.1]), 1);
});

test('a tie goes to the earlier option; NaN is never picked', () => {
  assert.equal(mostLikelyLetter([-2, -1, -1, -3]), 'B');
  assert.equal(mostLikelyLetter([Number.NaN, -5, -7, -6]), 'B');
  assert.equal(mostLikelyLetter([Number.NaN, Number.NaN]), '');
  assert.equal(mostLikely([]), -1);
});
