import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateFalseAlarms } from '../../../scoring/compare/false-alarm-simulation.js';

// Two runs of the same model differing only by noise must be flagged in at most ~alpha of comparisons.
// A few hundred repetitions here (seconds); scoring/compare/measure-false-alarm-rate.ts runs 10,000 and
// bench/RESULTS.md records the figures.

const ALPHA = 0.05;

function allowed(repetitions: number, rate: number): number {
  // alpha plus three binomial standard errors: fails on a real excess, not on simulation noise.
  return rate + 3 * Math.sqrt((rate * (1 - rate)) / repetitions);
}

test('false alarms: 0/1 scores (McNemar exact) stay at or below alpha', () => {
  const result = simulateFalseAlarms({ repetitions: 600, samples: 2000, scores: 'binary', alpha: ALPHA, threshold: 1, seed: 11 });
  assert.ok(result.significantRate <= allowed(600, ALPHA), `p < alpha in ${result.significantRate}`);
  // Only drops are regressions: about half of the significant results.
  assert.ok(result.flaggedRate <= allowed(600, ALPHA / 2), `flagged ${result.flaggedRate}`);
});

test('false alarms: VQA accuracy levels (permutation test) stay at or below alpha', () => {
  const result = simulateFalseAlarms({ repetitions: 200, samples: 2000, scores: 'vqa', alpha: ALPHA, threshold: 1, seed: 12 });
  assert.ok(result.significantRate <= allowed(200, ALPHA), `p < alpha in ${result.significantRate}`);
  assert.ok(result.flaggedRate <= allowed(200, ALPHA / 2), `flagged ${result.flaggedRate}`);
});
