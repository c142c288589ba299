import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { scoreMmmuResponse } from '../../../scoring/metrics/mmmu/eval.js';
import { parseMultiChoiceResponse } from '../../../scoring/metrics/mmmu/parse-multi-choice.js';
import { extractNumbers, normalizeStr, parseOpenResponse, type OpenPrediction } from '../../../scoring/metrics/mmmu/parse-open.js';

// Vectors from MMMU's own eval_utils.py (test/fixtures/official-evaluator-vectors.md): hand-picked
// responses first, then random ones built from a pool of answer words, numbers and punctuation.
type EncodedValue = string | { float: number | 'nan' | 'inf' | '-inf' };
type Vector =
  | { kind: 'multiple-choice'; response: string; options: string[]; letter: string }
  | { kind: 'open'; response: string; gold: string[]; parsed: EncodedValue[]; correct: boolean }
  | { kind: 'extract-numbers'; text: string; numbers: string[] }
  | { kind: 'normalize-str'; text: string; normalized: EncodedValue[] };

const vectors = readFileSync(new URL('../../fixtures/mmmu-vectors.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

function decode(value: EncodedValue): OpenPrediction {
  if (typeof value === 'string') return value;
  if (value.float === 'nan') return Number.NaN;
  if (value.float === 'inf') return Infinity;
  if (value.float === '-inf') return -Infinity;
  return value.float;
}

/** Python's set has no order; compare sorted, keeping -0 apart from 0 as Python's repr does. */
function canonical(values: readonly OpenPrediction[]): string[] {
  return values.map((value) => (typeof value === 'string' ? `s:${value}` : `f:${Object.is(value, -0) ? '-0' : String(value)}`)).sort();
}

function ofKind<K extends Vector['kind']>(kind: K): Array<Extract<Vector, { kind: K }>> {
  return vectors.filter((vector): vector is Extract<Vector, { kind: K }> => vector.kind === kind);
}

describe('MMMU vectors from the official eval_utils.py', () => {
  it('parse_multi_choice_response: same letter, random fallback included (seed 42, first draw)', () => {
    const cases = ofKind('multiple-choice');
    assert.equal(cases.length, 527);
    const wrong = cases.filter((vector) => parseMultiChoiceResponse(vector.response, vector.options).letter !== vector.letter);
    assert.deepEqual(wrong.slice(0, 3), []);
    assert.ok(new Set(cases.map((vector) => vector.letter)).size >= 4);
  });

  it('parse_open_response and eval_open: same predictions, same verdict', () => {
    const cases = ofKind('open');
    assert.equal(cases.length, 541);
    const parsedWrong = cases.filter((vector) => JSON.stringify(canonical(parseOpenResponse(vector.response))) !== JSON.stringify(canonical(vector.parsed.map(decode))));
    assert.deepEqual(parsedWrong.slice(0, 3), []);
    const verdictWrong = cases.filter((vector) => scoreMmmuResponse(vector.response, { type: 'open', options: [], answers: vector.gold }).correct !== vector.correct);
    assert.deepEqual(verdictWrong.slice(0, 3), []);
    assert.ok(cases.some((vector) => vector.correct) && cases.some((vector) => !vector.correct));
  });

  it('extract_numbers and normalize_str', () => {
    const numbers = ofKind('extract-numbers');
    assert.deepEqual(numbers.filter((vector) => JSON.stringify(extractNumbers(vector.text)) !== JSON.stringify(vector.numbers)).slice(0, 3), []);
    const normalized = ofKind('normalize-str');
    assert.deepEqual(normalized.filter((vector) => JSON.stringify(canonical(normalizeStr(vector.text))) !== JSON.stringify(canonical(vector.normalized.map(decode)))).slice(0, 3), []);
  });
});

describe('MMMU parsing, read against the official code', () => {
  const options = ['Paris', 'London', 'Berlin', 'Madrid'];
  it('prefers bracketed letters, then the last one', () => {
    assert.deepEqual(parseMultiChoiceResponse('(A) or maybe (D)', options), { letter: 'D', randomFallback: false });
    assert.deepEqual(parseMultiChoiceResponse('(D) ... no wait (A)', options), { letter: 'A', randomFallback: false });
    assert.equal(parseMultiChoiceResponse('I think B is right but A is close', options).letter, 'A');
  });
  it('reads option text only in answers of more than five words', () => {
    assert.deepEqual(parseMultiChoiceResponse('The city is clearly Berlin in this picture', options), { letter: 'C', randomFallback: false });
    const short = parseMultiChoiceResponse('Berlin', options);
    assert.equal(short.randomFallback, true);
  });
  it('falls back to the first draw of Python random seeded 42, whatever came before', () => {
    const first = parseMultiChoiceResponse('no idea', options);
    const again = parseMultiChoiceResponse('still no idea', options);
    assert.deepEqual(first, { letter: 'A', randomFallback: true });
    assert.deepEqual(again, first);
    assert.equal(parseMultiChoiceResponse('?', ['a', 'b', 'c']).letter, 'C');
  });
  it('open answers: numbers to two decimals, strings by containment', () => {
    assert.equal(scoreMmmuResponse('The answer is 1.058', { type: 'open', options: [], answers: ['1.06'] }).correct, true);
    assert.equal(scoreMmmuResponse('36 watts', { type: 'open', options: [], answers: ['30'] }).correct, false);
    assert.equal(scoreMmmuResponse('the compound is MgS.', { type: 'open', options: [], answers: ['$MgS$', 'MgS'] }).correct, true);
  });
});
