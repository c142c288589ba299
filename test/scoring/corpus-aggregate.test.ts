// A corpus metric (ROC AUC) in metrics.json: computed over the records' labels and positive-class
// scores, never as a mean of per-sample scores; errors ranked as wrong in ALL and left out of VALID;
// the per-sample scores' mean reported beside it as accuracy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taskMetricsSchema } from '../../artifact/schema.js';
import { aggregate, type AggregateContext, type ScoredItem } from '../../scoring/aggregate.js';
import { isCorpusMetric, metricLabel } from '../../scoring/metrics/registry.js';
import { rocAucBootstrap } from '../../scoring/metrics/roc-auc.js';

const context: AggregateContext = { task: 'hateful-memes', split: 'test_seen', metric: 'roc_auc', normalize: 'always', rule: 'openflamingo-classification', extraction: 'raw', shots: 0, trial: 0, hasAnswers: true, seed: 7 };

function item(label: 0 | 1, pYes: number | undefined, group = 'a'): ScoredItem {
  if (pYes === undefined) return { score: null, error: true, meta: { group }, binary: { label } };
  const predicted = pYes > 0.5 ? 1 : 0;
  return { score: predicted === label ? 1 : 0, error: false, meta: { group }, binary: { label, score: pYes } };
}

test('ROC AUC over all samples, by hand: an errored positive ranks below every negative in ALL and is left out of VALID', () => {
  // Positives 0.9 and 0.6, negatives 0.2 and 0.7: 3 of 4 pairs ordered → 0.75. The errored positive adds two wrong pairs → 3/6.
  const items = [item(1, 0.9), item(0, 0.2), item(1, 0.6), item(0, 0.7), item(1, undefined)];
  const metrics = taskMetricsSchema.parse(aggregate(items, context));
  assert.equal(metrics.all.value, 50);
  assert.equal(metrics.valid.value, 75);
  assert.deepEqual([metrics.all.n, metrics.all.nErrors, metrics.valid.n], [5, 1, 4]);
  const expected = rocAucBootstrap([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.7], { seed: 7 });
  assert.deepEqual(metrics.valid.ci95, [100 * expected.ci95[0], 100 * expected.ci95[1]]);
  assert.equal(metrics.valid.standardError, 100 * expected.standardError);
  // Accuracy is the mean per-sample score: 3 right of 5 (ALL), of 4 (VALID).
  assert.equal(metrics.accuracy!.all.value, 60);
  assert.equal(metrics.accuracy!.valid.value, 75);
  assert.equal(metrics.official, undefined);
});

test('an errored negative ranks above every positive; one class only gives no value; breakdowns are AUCs per group', () => {
  const items = [item(1, 0.9, 'a'), item(0, 0.2, 'a'), item(1, 0.6, 'b'), item(0, 0.7, 'a'), item(0, undefined, 'b'), item(1, 0.4, 'c')];
  const metrics = aggregate(items, { ...context, breakdowns: ['group'] });
  // Positives 0.9, 0.6, 0.4 against negatives 0.2, 0.7, +∞: (2 + 1 + 1) of 9 pairs.
  assert.ok(Math.abs(metrics.all.value! - (100 * 4) / 9) < 1e-12, String(metrics.all.value));
  // Group a: positive 0.9 over negatives 0.2 and 0.7 → 1; group b: 0.6 under the errored negative → 0; group c has no negative.
  assert.deepEqual(metrics.breakdowns, { group: { a: { value: 100, n: 3 }, b: { value: 0, n: 2 } } });
  const oneClass = aggregate([item(1, 0.9), item(1, 0.3)], context);
  assert.deepEqual([oneClass.all.value, oneClass.all.ci95, oneClass.all.standardError, oneClass.all.n], [null, null, null, 2]);
  assert.equal(oneClass.accuracy!.all.value, 50);
});

test('the registry: roc_auc is a corpus metric labelled as published tables scale it; mean metrics are not', () => {
  assert.equal(metricLabel('roc_auc'), 'ROC AUC (×100)');
  assert.equal(isCorpusMetric('roc_auc'), true);
  assert.equal(isCorpusMetric('vqa_accuracy'), false);
  assert.equal(isCorpusMetric('no_such_metric'), false);
});
