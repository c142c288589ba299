import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { roundHalfEven } from '../../scoring/metrics/python-round.js';
import { averagePrecision, f1Score } from '../../scoring/metrics/vizwiz-answerability.js';
import { predictsUnanswerable, vizwizAccuracy, vizwizProcessPrediction } from '../../scoring/metrics/vizwiz-vqa-eval.js';

// Vectors from the VizWiz API's own Python, answerability through scikit-learn itself
// (test/fixtures/official-evaluator-vectors.md).
function readJsonl<T>(name: string): T[] {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

interface AccuracyVector {
  answers: string[];
  prediction: string;
  acc: number;
  processed: string;
}

interface AnswerabilityVector {
  answerable: Array<0 | 1>;
  predictions: string[];
  averagePrecision: number;
  f1Score: number;
  officialAveragePrecision: number;
  officialF1Score: number;
}

describe('VizWiz API accuracy vectors', () => {
  const vectors = readJsonl<AccuracyVector>('vizwiz-vectors.jsonl');

  it('reproduces every processed prediction and accuracy to the last bit', () => {
    assert.equal(vectors.length, 800);
    assert.deepEqual(vectors.filter((vector) => vizwizProcessPrediction(vector.prediction) !== vector.processed).slice(0, 3), []);
    assert.deepEqual(vectors.filter((vector) => !Object.is(vizwizAccuracy(vector.prediction, vector.answers), vector.acc)).slice(0, 3), []);
  });
});

describe('VizWiz API rule', () => {
  it('processes the prediction always and the human answers never', () => {
    assert.equal(vizwizAccuracy('Unanswerable.', Array(10).fill('unanswerable')), 1);
    assert.equal(vizwizAccuracy('unanswerable', Array(10).fill('Unanswerable')), 0);
    assert.equal(vizwizAccuracy('yes', Array(10).fill(' yes')), 0);
  });

  it('uses the API\'s contractions table, typographic apostrophes included', () => {
    assert.equal(vizwizProcessPrediction('dont'), 'don’t');
    assert.equal(vizwizAccuracy('dont', Array(10).fill("don't")), 0);
    assert.equal(vizwizAccuracy('dont', Array(10).fill('don’t')), 1);
    assert.equal(vizwizProcessPrediction('weve'), "we've");
  });

  it('says "unanswerable" only for that processed word', () => {
    assert.equal(predictsUnanswerable('The Unanswerable.'), true);
    assert.equal(predictsUnanswerable('not answerable'), false);
    assert.equal(predictsUnanswerable(''), false);
  });
});

describe('VizWiz answerability vectors (scikit-learn)', () => {
  const vectors = readJsonl<AnswerabilityVector>('vizwiz-answerability-vectors.jsonl');

  it('reproduces average precision and F1 for "unanswerable", unrounded and as the API rounds them', () => {
    assert.equal(vectors.length, 80);
    for (const vector of vectors) {
      const items = vector.answerable.map((answerable, index) => ({ unanswerable: answerable === 0, predictedUnanswerable: predictsUnanswerable(vector.predictions[index]!) }));
      const label = JSON.stringify(vector).slice(0, 200);
      assert.ok(Object.is(averagePrecision(items), vector.averagePrecision), `AP ${averagePrecision(items)} ${label}`);
      assert.ok(Object.is(f1Score(items), vector.f1Score), `F1 ${f1Score(items)} ${label}`);
      assert.equal(roundHalfEven(100 * averagePrecision(items), 2), vector.officialAveragePrecision);
      assert.equal(roundHalfEven(100 * f1Score(items), 2), vector.officialF1Score);
    }
  });
});
