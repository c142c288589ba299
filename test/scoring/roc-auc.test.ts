import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { classScores } from '../../scoring/metrics/class-probability.js';
import { rocAuc, rocAucBootstrapCI } from '../../scoring/metrics/roc-auc.js';

interface ReferenceCases {
  rocAuc: Array<{ labels: number[]; scores: number[]; auc: number }>;
  memes: Array<{ logprobs: number[]; tokens: number[]; label: number; predicted: 'no' | 'yes'; pYes: number }>;
  memesAuc: number;
}
// Computed by scikit-learn 1.2.1 and torch 1.13 (make-reference-cases.py beside the file).
const reference = JSON.parse(readFileSync(new URL('../fixtures/hateful-memes/reference-cases.json', import.meta.url), 'utf8')) as ReferenceCases;

test('ROC AUC equals scikit-learn roc_auc_score on 40 random cases, most with ties', () => {
  for (const [index, { labels, scores, auc }] of reference.rocAuc.entries()) {
    assert.ok(Math.abs(rocAuc(labels, scores) - auc) < 1e-12, `case ${index}: ${rocAuc(labels, scores)} vs ${auc}`);
  }
});

test('ROC AUC by hand: perfect, reversed, all tied, one tie across classes; undefined with one class', () => {
  assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 1);
  assert.equal(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]), 0);
  assert.equal(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
  // Pairs (neg, pos): (0.1,0.4) 1, (0.1,0.7) 1, (0.4,0.4) ½, (0.4,0.7) 1 → 3.5 / 4.
  assert.equal(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.7]), 0.875);
  assert.ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.3])));
  assert.throws(() => rocAuc([0, 2], [0.1, 0.2]), /label 2 at index 1 is neither 0 nor 1/);
  assert.throws(() => rocAuc([0, 1], [0.1]), /2 labels but 1 scores/);
});

test('the bootstrap CI is seeded, brackets the estimate, and narrows with more data', () => {
  const { labels, scores } = reference.rocAuc.reduce((largest, item) => (item.labels.length > largest.labels.length ? item : largest));
  const auc = rocAuc(labels, scores);
  const [low, high] = rocAucBootstrapCI(labels, scores, { seed: 3 });
  assert.deepEqual(rocAucBootstrapCI(labels, scores, { seed: 3 }), [low, high]);
  assert.notDeepEqual(rocAucBootstrapCI(labels, scores, { seed: 4 }), [low, high]);
  assert.ok(low < auc && auc < high && low >= 0 && high <= 1, `${low} < ${auc} < ${high}`);
  const repeated = (values: number[]) => Array.from({ length: 10 }, () => values).flat();
  const [wideLow, wideHigh] = [low, high];
  const [narrowLow, narrowHigh] = rocAucBootstrapCI(repeated(labels), repeated(scores), { seed: 3, resamples: 300 });
  assert.ok(narrowHigh - narrowLow < (wideHigh - wideLow) / 2);
  assert.deepEqual(rocAucBootstrapCI([1, 1], [0.1, 0.2]), [Number.NaN, Number.NaN]);
});

test('class probabilities, predictions and the Hateful Memes AUC follow OpenFlamingo on 30 reference cases', () => {
  const pYes = reference.memes.map(({ logprobs, tokens, predicted, pYes: expected }, index) => {
    const scored = classScores(logprobs, tokens);
    assert.equal(['no', 'yes'][scored.predicted], predicted, `case ${index}`);
    assert.ok(Math.abs(scored.probabilities[1] - expected) < 1e-12, `case ${index}: ${scored.probabilities[1]} vs ${expected}`);
    return scored.probabilities[1];
  });
  assert.ok(Math.abs(rocAuc(reference.memes.map((meme) => meme.label), pYes) - reference.memesAuc) < 1e-12);
  assert.throws(() => classScores([-1], [0]), /class 0 spans 0 tokens/);
});
