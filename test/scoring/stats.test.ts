import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  bootstrapCI,
  clusteredStandardError,
  mean,
  populationStd,
  sampleBinomial,
  standardError,
} from '../../scoring/stats.js';
import { seededRandom } from '../../core/random.js';

function close(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

/** Per-question VQA-like scores: few distinct values, as the real metric produces. */
function vqaLikeScores(count: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const levels = [0, 0.3, 0.5999999999999999, 0.9, 1, 1, 1];
  return Float64Array.from({ length: count }, () => levels[Math.floor(random() * levels.length)]);
}

describe('mean, populationStd, standardError', () => {
  const data = [2, 4, 4, 4, 5, 5, 7, 9];

  it('computes the textbook values', () => {
    assert.equal(mean(data), 5);
    assert.equal(populationStd(data), 2);
    // sample variance 32/7, SE = sqrt(32/7/8) = sqrt(4/7)
    close(standardError(data), Math.sqrt(4 / 7));
  });

  it('accepts typed arrays', () => {
    assert.equal(mean(Float64Array.from(data)), 5);
  });

  it('returns NaN where the statistic is undefined', () => {
    assert.ok(Number.isNaN(mean([])));
    assert.ok(Number.isNaN(standardError([1])));
  });
});

describe('clusteredStandardError', () => {
  it('matches a hand-computed CR1 value', () => {
    // mean 2.5; cluster residual sums -2 and 2; SE² = 2/(2-1) · (4 + 4) / 4² = 1
    close(clusteredStandardError([1, 2, 3, 4], ['a', 'a', 'b', 'b']), 1);
    // mean 2; residuals -2,-1,0,1,2 → cluster sums x: -3, y: 2, z: 1 → 14; SE² = 3/2 · 14 / 25
    close(clusteredStandardError([0, 1, 2, 3, 4], ['x', 'x', 'y', 'z', 'y']), Math.sqrt((1.5 * 14) / 25));
  });

  it('equals the ordinary standard error when every sample is its own cluster', () => {
    const values = vqaLikeScores(500, 3);
    close(clusteredStandardError(values, Array.from(values, (_, index) => index)), standardError(values), 1e-12);
  });

  it('grows when correlated samples share a cluster', () => {
    const values = Float64Array.from({ length: 400 }, (_, index) => (Math.floor(index / 10) % 2 === 0 ? 1 : 0));
    const videos = Array.from(values, (_, index) => `video-${Math.floor(index / 10)}`);
    assert.ok(clusteredStandardError(values, videos) > 2 * standardError(values));
  });

  it('rejects mismatched lengths and needs two clusters', () => {
    assert.throws(() => clusteredStandardError([1, 2], ['a']), RangeError);
    assert.ok(Number.isNaN(clusteredStandardError([1, 2], ['a', 'a'])));
  });
});

describe('bootstrapCI', () => {
  const scores = vqaLikeScores(5_000, 11);

  it('is reproducible with the same seed and changes with another', () => {
    assert.deepEqual(bootstrapCI(scores, { seed: 7 }), bootstrapCI(scores, { seed: 7 }));
    assert.notDeepEqual(bootstrapCI(scores, { seed: 7 }), bootstrapCI(scores, { seed: 8 }));
  });

  it('does not depend on the order of the samples', () => {
    const reversed = Float64Array.from(scores).reverse();
    assert.deepEqual(bootstrapCI(reversed, { seed: 1 }), bootstrapCI(scores, { seed: 1 }));
  });

  it('brackets the mean and has about the normal-theory width', () => {
    const [lower, upper] = bootstrapCI(scores);
    const center = mean(scores);
    assert.ok(lower < center && center < upper, `[${lower}, ${upper}] around ${center}`);
    const normalWidth = 2 * 1.959964 * standardError(scores);
    assert.ok(Math.abs(upper - lower - normalWidth) < 0.15 * normalWidth, `width ${upper - lower} vs ${normalWidth}`);
  });

  it('gives the same interval (statistically) when values are many-valued and drawn one by one', () => {
    // A tiny jitter makes every value distinct, forcing the sample-by-sample path.
    const jittered = Float64Array.from(scores, (value, index) => value + index * 1e-12);
    const [lower, upper] = bootstrapCI(jittered, { resamples: 2000 });
    const [countLower, countUpper] = bootstrapCI(scores, { resamples: 2000 });
    const width = countUpper - countLower;
    assert.ok(Math.abs(lower - countLower) < 0.15 * width && Math.abs(upper - countUpper) < 0.15 * width);
  });

  it('narrows with a lower level', () => {
    const [lower95, upper95] = bootstrapCI(scores, { level: 0.95 });
    const [lower50, upper50] = bootstrapCI(scores, { level: 0.5 });
    assert.ok(upper50 - lower50 < upper95 - lower95);
  });

  it('handles degenerate inputs and rejects bad options', () => {
    assert.deepEqual(bootstrapCI([0.3, 0.3, 0.3]), [0.3, 0.3]);
    assert.ok(bootstrapCI([]).every(Number.isNaN));
    assert.throws(() => bootstrapCI(scores, { resamples: 0 }), RangeError);
    assert.throws(() => bootstrapCI(scores, { level: 1 }), RangeError);
  });

  it('takes well under two seconds for a VQAv2-sized set', () => {
    const large = vqaLikeScores(214_354, 5);
    const started = performance.now();
    bootstrapCI(large);
    assert.ok(performance.now() - started < 2_000);
  });
});

describe('sampleBinomial', () => {
  for (const [trials, probability] of [
    [20, 0.2], // inversion
    [500, 0.3], // transformed rejection
    [1_000, 0.97], // symmetry + inversion
  ] as const) {
    it(`has the right mean and variance for Binomial(${trials}, ${probability})`, () => {
      const random = seededRandom(42);
      const draws = Float64Array.from({ length: 50_000 }, () => sampleBinomial(trials, probability, random));
      const expectedMean = trials * probability;
      const expectedVariance = expectedMean * (1 - probability);
      assert.ok(draws.every((draw) => Number.isInteger(draw) && draw >= 0 && draw <= trials));
      // 5 standard errors of the mean; 5 % on the variance.
      assert.ok(Math.abs(mean(draws) - expectedMean) < 5 * Math.sqrt(expectedVariance / draws.length));
      assert.ok(Math.abs(populationStd(draws) ** 2 / expectedVariance - 1) < 0.05);
    });
  }

  it('handles the edges', () => {
    const random = seededRandom(1);
    assert.equal(sampleBinomial(0, 0.5, random), 0);
    assert.equal(sampleBinomial(10, 0, random), 0);
    assert.equal(sampleBinomial(10, 1, random), 10);
  });
});
