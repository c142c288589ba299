import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { gqaExactMatch, gqaExactMatchLlava, llavaGqaPostprocess } from '../../scoring/metrics/gqa-exact-match.js';

// Vectors from GQA's eval.py comparison and LLaVA's convert_gqa_for_eval.py (test/fixtures/official-evaluator-vectors.md).
interface Vector {
  answer: string;
  prediction: string;
  official: number;
  llava: number;
  llavaPrediction: string;
}

const vectors = readFileSync(new URL('../fixtures/gqa-vectors.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

describe('GQA vectors', () => {
  it('reproduces eval.py on predictions as given and after LLaVA\'s cleaning', () => {
    assert.equal(vectors.length, 400);
    assert.deepEqual(vectors.filter((vector) => gqaExactMatch(vector.prediction, [vector.answer]) !== vector.official).slice(0, 3), []);
    assert.deepEqual(vectors.filter((vector) => llavaGqaPostprocess(vector.prediction) !== vector.llavaPrediction).slice(0, 3), []);
    assert.deepEqual(vectors.filter((vector) => gqaExactMatchLlava(vector.prediction, [vector.answer]) !== vector.llava).slice(0, 3), []);
    // Both outcomes occur under both rules, and the rules disagree somewhere.
    assert.ok(vectors.some((vector) => vector.official === 1) && vectors.some((vector) => vector.official === 0));
    assert.ok(vectors.some((vector) => vector.official !== vector.llava));
  });
});

describe('GQA rules', () => {
  it('eval.py compares strings exactly', () => {
    assert.equal(gqaExactMatch('yes', ['yes']), 1);
    assert.equal(gqaExactMatch('Yes', ['yes']), 0);
    assert.equal(gqaExactMatch('yes ', ['yes']), 0);
    assert.equal(gqaExactMatch('the table', ['table']), 0);
  });

  it('LLaVA strips every trailing period, then lowercases, and nothing else', () => {
    assert.equal(gqaExactMatchLlava('Yes...', ['yes']), 1);
    assert.equal(gqaExactMatchLlava('Yes. ', ['yes']), 0);
    assert.equal(gqaExactMatchLlava('Traffic Light', ['traffic light']), 1);
    assert.equal(llavaGqaPostprocess('Dr.'), 'dr');
  });
});
