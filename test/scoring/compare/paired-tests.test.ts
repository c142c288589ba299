import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binomialHalfLowerTail, mcnemarExact, mcnemarFromScores } from '../../../scoring/compare/mcnemar.js';
import { comparePairedScores, verdictOf } from '../../../scoring/compare/paired-comparison.js';
import { pairedPermutationTest } from '../../../scoring/compare/paired-permutation.js';

function close(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

describe("McNemar's exact test", () => {
  it('matches hand-computed binomial tails', () => {
    // b = 2, c = 8: P(X ≤ 2 | n = 10) = (1 + 10 + 45) / 1024; two-sided doubles it.
    close(mcnemarExact(2, 8).pValue, (2 * 56) / 1024);
    close(mcnemarExact(8, 2).pValue, (2 * 56) / 1024);
    // b = 0, c = 5: 2 · (1/32).
    close(mcnemarExact(0, 5).pValue, 2 / 32);
    // b = 1, c = 9: 2 · (1 + 10) / 1024.
    close(mcnemarExact(1, 9).pValue, 22 / 1024);
    // Balanced or no discordant pairs: no evidence at all.
    assert.equal(mcnemarExact(3, 3).pValue, 1);
    assert.equal(mcnemarExact(0, 0).pValue, 1);
  });

  it('counts the discordant pairs of a 2×2 table from per-sample scores', () => {
    // Table: both right 3, both wrong 2, baseline only 4, candidate only 1.
    const baseline = [1, 1, 1, 0, 0, 1, 1, 1, 1, 0];
    const candidate = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1];
    const result = mcnemarFromScores(baseline, candidate);
    assert.equal(result.baselineOnly, 4);
    assert.equal(result.candidateOnly, 1);
    close(result.pValue, (2 * (1 + 5)) / 32); // 2 · P(X ≤ 1 | n = 5)
    assert.throws(() => mcnemarFromScores([0.3], [1]), /0 or 1/);
  });

  it('stays finite and exact where 2^-n underflows (tens of thousands of discordant pairs)', () => {
    close(binomialHalfLowerTail(5000, 10000), 0.5 + 0.5 * 0.00797871, 1e-6); // P(X = n/2) ≈ 1/√(π n/2)
    assert.ok(mcnemarExact(4800, 5200).pValue < 1e-4 && mcnemarExact(4800, 5200).pValue > 0);
    assert.equal(binomialHalfLowerTail(-1, 4), 0);
    assert.equal(binomialHalfLowerTail(4, 4), 1);
  });
});

describe('paired sign-flip permutation test', () => {
  it('enumerates small tables exactly (hand-checked)', () => {
    // Three differences of +1: only all-plus or all-minus reach |3|: 2/8.
    assert.deepEqual(pairedPermutationTest([1, 1, 1, 0, 0]), { pValue: 0.25, method: 'exact' });
    // {0.5, 0.5, 1, −0.3}: observed 1.7; of 16 sign patterns ±2.3 and ±1.7 reach it: 4/16.
    close(pairedPermutationTest([0.5, 0.5, 1, -0.3]).pValue, 0.25);
    // VQA steps: 0.6 − 0.3 and 0.3 − 0 are the same magnitude despite float error. Observed 0.9 from
    // {0.3, 0.3, 0.3}: only ±0.9 reach it, 2/8.
    close(pairedPermutationTest([0.6 - 0.3, 0.3 - 0, 0.9 - 0.6]).pValue, 0.25);
    assert.equal(pairedPermutationTest([0, 0, 0]).pValue, 1);
  });

  it('equals McNemar exact on 0/1 scores', () => {
    for (const [worse, better] of [[2, 8], [0, 5], [7, 3], [12, 30]] as const) {
      const differences = [...Array<number>(worse).fill(-1), ...Array<number>(better).fill(1), 0, 0];
      close(pairedPermutationTest(differences).pValue, mcnemarExact(worse, better).pValue, 1e-12);
    }
  });

  it('falls back to a seeded Monte Carlo estimate close to the exact value', () => {
    const differences = Array.from({ length: 60 }, (_, index) => ((index * 7) % 11) / 10 - 0.45);
    const exact = pairedPermutationTest(differences, { exactLimit: 1e9 });
    const sampled = pairedPermutationTest(differences, { exactLimit: 1, resamples: 20_000, seed: 3 });
    assert.equal(sampled.method, 'monte-carlo');
    assert.ok(Math.abs(sampled.pValue - exact.pValue) < 0.02, `${sampled.pValue} vs exact ${exact.pValue}`);
    assert.deepEqual(pairedPermutationTest(differences, { exactLimit: 1, seed: 3 }), pairedPermutationTest([...differences].reverse(), { exactLimit: 1, seed: 3 }));
  });
});

describe('paired comparison and verdict', () => {
  it('picks McNemar for 0/1 scores, the permutation test otherwise, clustered for videos', () => {
    assert.equal(comparePairedScores([1, 0, 1], [1, 1, 0]).test, 'mcnemar-exact');
    assert.equal(comparePairedScores([1, 0.3, 1], [1, 1, 0]).test, 'paired-permutation');
    const clustered = comparePairedScores([1, 1, 0, 1], [0, 0, 0, 1], { clusterIds: ['a', 'a', 'b', 'c'] });
    assert.equal(clustered.test, 'clustered-permutation');
    assert.equal(clustered.clusters, 3);
    close(clustered.delta, -50);
  });

  it('a regression needs both a drop beyond the threshold and p < alpha', () => {
    assert.equal(verdictOf({ delta: -5, pValue: 0.001 }, { threshold: 1, alpha: 0.05 }).verdict, 'regressed');
    assert.equal(verdictOf({ delta: -0.5, pValue: 0.001 }, { threshold: 1, alpha: 0.05 }).verdict, 'unchanged');
    assert.equal(verdictOf({ delta: -5, pValue: 0.2 }, { threshold: 1, alpha: 0.05 }).verdict, 'unchanged');
    assert.equal(verdictOf({ delta: 4, pValue: 0.01 }, { threshold: 1, alpha: 0.05 }).verdict, 'improved');
  });
});
