import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError } from '../../core/errors.js';
import { extractAnswer, extractionStrategies, type ExtractionStrategy } from '../../scoring/extract.js';

describe('extractAnswer', () => {
  it('lists every strategy', () => {
    assert.deepEqual([...extractionStrategies], ['raw', 'first-line', 'short-answer', 'flamingo']);
  });

  it("'raw' trims whitespace only", () => {
    assert.equal(extractAnswer('  Two dogs.\nQuestion: x \n', 'raw'), 'Two dogs.\nQuestion: x');
  });

  it("'first-line' keeps the first line, after any leading whitespace", () => {
    assert.equal(extractAnswer('Two dogs. \nQuestion: what', 'first-line'), 'Two dogs.');
    assert.equal(extractAnswer('\n  red\nblue', 'first-line'), 'red');
    assert.equal(extractAnswer('', 'first-line'), '');
  });

  describe("'short-answer' (Emu)", () => {
    const cases: Array<[string, string]> = [
      ['It is a dog. It is brown.', 'a dog'],
      ["It's red", 'red'],
      ['The cat, sitting on a mat', 'cat'],
      ['A Frisbee.', 'frisbee'],
      ['An apple\nA banana', 'apple'],
      ['yes', 'yes'],
      ['Yes.', 'yes'],
      ['3.5', '3.5'],
      ['Version 3.5. Next', 'version 3.5'],
      ['"tennis" is the sport', ''],
      ['tennis"', 'tennis'],
      ['apple, banana', 'apple'],
      ['apple,banana', 'apple,banana'],
      ['Theater', 'theater'],
      ['another one', 'another one'],
      ['the', ''],
      [' the red one ', 'red one'],
    ];
    for (const [output, expected] of cases) {
      it(`${JSON.stringify(output)} -> ${JSON.stringify(expected)}`, () => {
        assert.equal(extractAnswer(output, 'short-answer'), expected);
      });
    }
  });

  describe("'flamingo' (open_flamingo postprocess)", () => {
    const cases: Array<[string, string]> = [
      ['two dogs<|endofchunk|>Question: how many', 'two dogs<|endofchunk|>'],
      [' red Answer: blue', 'red'],
      ['red, white and blue', 'red'],
      ['Short answer: red', ''],
      ['yes\nQuestion', 'yes'],
      ['1,000 people', '1,000 people'],
      ['a, b Question c, d', 'a'],
    ];
    for (const [output, expected] of cases) {
      it(`${JSON.stringify(output)} -> ${JSON.stringify(expected)}`, () => {
        assert.equal(extractAnswer(output, 'flamingo'), expected);
      });
    }
  });

  it('rejects an unknown strategy coming from unchecked input', () => {
    assert.throws(() => extractAnswer('x', 'bogus' as ExtractionStrategy), ConfigError);
  });
});
