import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fitSizeTrend,
  formatBillions,
  parameterEquivalent,
  paretoFrontier,
  paretoStatus,
  pointsPerBillion,
  sizeAdjustedScore,
} from '../../reports/normalize.js';

const close = (actual: number | null, expected: number, tolerance = 1e-9) => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);
};

test('a perfect log-linear trend: 1B→50, 10B→60, 100B→70 is score = 50 + 10·log10(B)', () => {
  const fit = fitSizeTrend([
    { label: 'small', params: 1, score: 50 },
    { label: 'medium', params: 10, score: 60 },
    { label: 'large', params: 100, score: 70 },
  ]);
  assert.ok(fit.fitted);
  close(fit.intercept, 50);
  close(fit.slope, 10);
  close(fit.rSquared, 1);
  // 65 at 10B is 5 points above the 60 the trend predicts; the trend needs 10^1.5 = 31.6B for 65.
  close(sizeAdjustedScore(fit, 10, 65), 5);
  close(parameterEquivalent(fit, 65), 10 ** 1.5);
  close(pointsPerBillion(65, 10), 6.5);
});

test('least squares by hand: x = 0,1,2 (1B,10B,100B), y = 50,62,68 gives b = 9, a = 51, R² = 1 − 6/168', () => {
  // mean x = 1, mean y = 60; Sxx = 2, Sxy = (−1)(−10) + 0 + (1)(8) = 18, Syy = 100 + 4 + 64 = 168.
  const fit = fitSizeTrend([
    { label: 'a', params: 1, score: 50 },
    { label: 'b', params: 10, score: 62 },
    { label: 'c', params: 100, score: 68 },
  ]);
  assert.ok(fit.fitted);
  close(fit.slope, 9);
  close(fit.intercept, 51);
  close(fit.rSquared, 1 - 6 / 168);
  close(sizeAdjustedScore(fit, 10, 62), 2);
  close(sizeAdjustedScore(fit, 1, 50), -1);
  close(parameterEquivalent(fit, 60), 10);
});

test('fewer than 3 reference points: no trend, and the reason says so', () => {
  for (const points of [[], [{ label: 'a', params: 7, score: 50 }], [{ label: 'a', params: 7, score: 50 }, { label: 'b', params: 13, score: 60 }]]) {
    const fit = fitSizeTrend(points);
    assert.equal(fit.fitted, false);
    assert.equal(fit.points, points.length);
    if (!fit.fitted) assert.match(fit.reason, /at least 3/);
    assert.equal(sizeAdjustedScore(fit, 10, 60), null);
    assert.equal(parameterEquivalent(fit, 60), null);
  }
  // A point without a usable count does not count towards the three.
  const fit = fitSizeTrend([
    { label: 'a', params: 7, score: 50 },
    { label: 'b', params: 13, score: 60 },
    { label: 'c', params: 0, score: 70 },
  ]);
  assert.equal(fit.fitted, false);
  assert.equal(fit.points, 2);
});

test('equal parameter counts: no slope can be fitted, and the reason says why', () => {
  const fit = fitSizeTrend([
    { label: 'CogVLM', params: 17, score: 83.4 },
    { label: 'CogVLM (own paper)', params: 17, score: 82.3 },
    { label: 'CogVLM again', params: 17, score: 80 },
  ]);
  assert.equal(fit.fitted, false);
  if (!fit.fitted) assert.match(fit.reason, /same parameter count \(17B\)/);
  // Two models at one size among others are fine: the fit uses all three points.
  const mixed = fitSizeTrend([
    { label: 'a', params: 10, score: 60 },
    { label: 'b', params: 10, score: 64 },
    { label: 'c', params: 100, score: 72 },
  ]);
  assert.ok(mixed.fitted);
  // x = 1,1,2: mean 4/3, y mean 196/3; Sxx = 2/3, Sxy = (−1/3)(−16/3) + (−1/3)(−4/3) + (2/3)(20/3) = 60/9.
  close(mixed.slope, 10);
  close(mixed.intercept, 196 / 3 - 10 * (4 / 3));
});

test('a trend that falls with size has no parameter-equivalent', () => {
  const fit = fitSizeTrend([
    { label: 'a', params: 1, score: 70 },
    { label: 'b', params: 10, score: 60 },
    { label: 'c', params: 100, score: 50 },
  ]);
  assert.ok(fit.fitted);
  close(fit.slope, -10);
  assert.equal(parameterEquivalent(fit, 65), null);
  close(sizeAdjustedScore(fit, 10, 65), 5);
});

test('Pareto: dominated by every model with ≥ score and ≤ params, strictly better in one; equal points tie', () => {
  const models = [
    { label: 'Emu2-Chat', params: 37, score: 84.9 },
    { label: 'CogVLM', params: 17, score: 83.4 },
    { label: 'CogVLM-Chat-v2paper', params: 17, score: 82.3 },
    { label: 'LLaVA-1.5-13B', params: 13.4, score: 80.0 },
    { label: 'Shikra-13B', params: 13.4, score: 77.4 },
    { label: 'Qwen-VL-Chat', params: 9.6, score: 78.2 },
    { label: 'twin-a', params: 50, score: 60 },
    { label: 'twin-b', params: 50, score: 60 },
  ];
  const status = (label: string) => paretoStatus(models.find((model) => model.label === label)!, models);
  assert.deepEqual(status('Emu2-Chat'), { status: 'frontier' });
  assert.deepEqual(status('CogVLM'), { status: 'frontier' });
  // Same parameter count, lower score: dominated.
  assert.deepEqual(status('CogVLM-Chat-v2paper'), { status: 'dominated', by: ['CogVLM'] });
  assert.deepEqual(status('Shikra-13B'), { status: 'dominated', by: ['LLaVA-1.5-13B', 'Qwen-VL-Chat'] });
  // Equal params and equal score do not dominate each other, but both lose to smaller, better models.
  assert.deepEqual(status('twin-a'), { status: 'dominated', by: ['Emu2-Chat', 'CogVLM', 'CogVLM-Chat-v2paper', 'LLaVA-1.5-13B', 'Qwen-VL-Chat', 'Shikra-13B'] });
  const twins = models.slice(6);
  assert.deepEqual(paretoStatus(twins[0]!, twins), { status: 'frontier' });
  assert.deepEqual(paretoStatus({ label: 'unknown', params: undefined, score: 99 }, models), { status: 'unknown', reason: 'no parameter count' });
  assert.deepEqual(
    paretoFrontier(models).map((model) => model.label),
    ['Qwen-VL-Chat', 'LLaVA-1.5-13B', 'CogVLM', 'Emu2-Chat'],
  );
});

test('parameter counts are written the way papers write them', () => {
  assert.equal(formatBillions(37), '37B');
  assert.equal(formatBillions(9.6), '9.6B');
  assert.equal(formatBillions(0.3), '0.3B');
  assert.equal(formatBillions(0.0001864), '186.4K');
  assert.equal(formatBillions(278.4), '278B');
});
