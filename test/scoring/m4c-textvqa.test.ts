import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { m4cProcessAnswer, m4cTextVqaAccuracy, m4cWordStep } from '../../scoring/metrics/m4c-textvqa.js';
import { vqaAccuracy } from '../../scoring/metrics/vqa-accuracy.js';

// Vectors from the m4c evaluator's own Python (test/fixtures/official-evaluator-vectors.md).
interface Vector {
  answers: string[];
  prediction: string;
  acc: number;
}

const vectors = readFileSync(new URL('../fixtures/textvqa-m4c-vectors.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

describe('m4c TextVQA vectors', () => {
  it('has every case of the fixture, unanimous and split answer sets alike', () => {
    assert.equal(vectors.length, 1000);
    assert.ok(vectors.filter((vector) => new Set(vector.answers).size === 1).length > 200);
  });

  it('reproduces every accuracy to the last bit', () => {
    const wrong = vectors.filter((vector) => !Object.is(m4cTextVqaAccuracy(vector.prediction, vector.answers), vector.acc));
    assert.deepEqual(wrong.slice(0, 3), []);
  });

  it('covers what vqaEval.py\'s rule scores differently (so the vectors can tell the two rules apart)', () => {
    const differing = vectors.filter((vector) => !Object.is(vqaAccuracy(vector.prediction, vector.answers, 'official'), vector.acc));
    assert.ok(differing.length > 50, `${differing.length} vectors tell the rules apart`);
  });
});

describe('m4c answer processing', () => {
  it('scores a unanimous answer in another case: processing is unconditional', () => {
    assert.equal(m4cTextVqaAccuracy('APPLE', Array(10).fill('apple')), 1);
    assert.equal(m4cTextVqaAccuracy("Don't know", Array(10).fill("don't know")), 1);
    assert.equal(vqaAccuracy('APPLE', Array(10).fill('apple'), 'official'), 0);
  });

  it('word step: lowercases, deletes every comma and question mark, splits \'s, strips', () => {
    assert.equal(m4cWordStep(" McDonald'S, Inc?? "), "mcdonald 's inc");
    assert.equal(m4cProcessAnswer('1,000'), '1000');
    assert.equal(m4cProcessAnswer('hello, world'), 'hello world');
    assert.equal(m4cProcessAnswer("john's bar"), "john 's bar");
    assert.equal(m4cTextVqaAccuracy("Johns bar", Array(10).fill("john's bar")), 0);
  });

  it('keeps vqaEval.py\'s 32-period cap', () => {
    const periods = `${'a.'.repeat(40)}`;
    assert.equal(m4cProcessAnswer(periods), `${'a'.repeat(32)}${'a.'.repeat(8)}`);
  });

  it('treats any decimal digit as \\d, as Python 3 does', () => {
    assert.equal(m4cProcessAnswer('.٣'), '.٣');
    assert.equal(m4cProcessAnswer('.𝟘'), '.𝟘');
    assert.equal(m4cProcessAnswer('.x'), 'x');
  });

  it('sums leave-one-out values in answer order, as Python does (values from the evaluator)', () => {
    assert.equal(m4cTextVqaAccuracy('RED', ['red', 'red', ...Array(8).fill('blue')]), 0.6);
    assert.equal(m4cTextVqaAccuracy('RED', [...Array(8).fill('blue'), 'red', 'red']), 0.5999999999999999);
    assert.equal(m4cTextVqaAccuracy('green', ['red', 'red', ...Array(8).fill('blue')]), 0);
  });
});
