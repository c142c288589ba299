import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { inferChoice, inferOptionLetter, inferOptionText } from '../../../scoring/multiple-choice/infer-choice.js';

// Expected values computed by VLMEvalKit's matching_util.py itself (test/fixtures/official-evaluator-vectors.md).
interface Vector {
  answer: string;
  choices: Record<string, string>;
  option: string | false;
  text: string | false;
  infer: string | false;
}

const vectors = readFileSync(new URL('../../fixtures/vlmevalkit-can-infer-vectors.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

test('can_infer_option, can_infer_text and can_infer agree with VLMEvalKit on every vector', () => {
  assert.equal(vectors.length, 49);
  for (const vector of vectors) {
    const label = JSON.stringify(vector.answer);
    assert.equal(inferOptionLetter(vector.answer, vector.choices), vector.option, `can_infer_option(${label})`);
    assert.equal(inferOptionText(vector.answer, vector.choices), vector.text, `can_infer_text(${label})`);
    assert.equal(inferChoice(vector.answer, vector.choices), vector.infer, `can_infer(${label})`);
  }
});

test('hand-checked: a letter counts only among the last four words (can_infer_option)', () => {
  const choices = { A: 'red', B: 'blue' };
  // words: B one two three → index 0 > 4 - 5 = -1: found
  assert.equal(inferOptionLetter('B one two three', choices), 'B');
  // words: B one two three four → index 0 > 5 - 5 = 0 is false: nothing
  assert.equal(inferOptionLetter('B one two three four', choices), false);
});
