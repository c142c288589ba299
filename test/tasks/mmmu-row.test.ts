import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parsePythonStringList } from '../../tasks/formats/python-literal.js';
import { mmmuRowToSample, type MmmuRow, type MmmuRowContext } from '../../tasks/mmmu/mmmu-row.js';
import { MMMU_DISCIPLINES, MMMU_SUBJECTS, mmmuDiscipline, mmmuSubjectOfId } from '../../tasks/mmmu/subjects.js';
import type { MediaRef } from '../../core/contracts/task.js';

const context: MmmuRowContext = {
  file: '/data/mmmu/validation.json',
  field: '[3]',
  hasAnswers: true,
  imageRef: (cell, column, report) => {
    if (!cell.path) {
      report({ file: '/data/mmmu/validation.json', field: `[3].${column}`, message: 'no path' });
      return undefined;
    }
    return { kind: 'image', path: `/data/mmmu/${cell.path}`, root: '/data/mmmu' } satisfies MediaRef;
  },
};

function row(overrides: Partial<MmmuRow> = {}): MmmuRow {
  return {
    id: 'validation_Art_Theory_12',
    question: 'Which painting, <image 2> or <image 1>, is older?',
    options: "['The first', \"The second's\", '<image 3>']",
    explanation: '',
    image_1: { path: 'images/a.png' },
    image_2: { path: 'images/b.png' },
    image_3: { path: 'images/c.png' },
    image_4: null,
    img_type: "['Paintings']",
    answer: 'B',
    topic_difficulty: 'Medium',
    question_type: 'multiple-choice',
    subfield: 'Art History',
    ...overrides,
  };
}

describe('MMMU subjects', () => {
  it('has the official 30 subjects in 6 disciplines', () => {
    assert.equal(Object.keys(MMMU_DISCIPLINES).length, 6);
    assert.equal(MMMU_SUBJECTS.length, 30);
    assert.equal(mmmuDiscipline('Diagnostics_and_Laboratory_Medicine'), 'Health and Medicine');
    assert.equal(mmmuSubjectOfId('validation_Architecture_and_Engineering_14'), 'Architecture_and_Engineering');
    assert.equal(mmmuSubjectOfId('test_Math_1'), 'Math');
  });
});

describe('mmmuRowToSample', () => {
  it('formats a multiple-choice question as the official llava1.5 config does, placeholders kept', () => {
    const result = mmmuRowToSample(row(), context);
    assert.ok(result.ok);
    const { sample } = result;
    assert.equal(sample.question, "Which painting, <image 2> or <image 1>, is older?\n(A) The first\n(B) The second's\n(C) <image 3>\n\nAnswer with the option's letter from the given choices directly.");
    assert.deepEqual(sample.answers, ['B']);
    assert.deepEqual(sample.media.map((media) => (media as { path: string }).path), ['/data/mmmu/images/a.png', '/data/mmmu/images/b.png', '/data/mmmu/images/c.png']);
    assert.deepEqual(sample.mediaPlaceholders, ['<image 1>', '<image 2>', '<image 3>']);
    assert.deepEqual(sample.meta, { subject: 'Art_Theory', discipline: 'Art and Design', questionType: 'multiple-choice', options: ['The first', "The second's", '<image 3>'], subfield: 'Art History', difficulty: 'Medium' });
  });

  it('open questions: the short-answer instruction, list answers split into accepted forms', () => {
    const result = mmmuRowToSample(row({ id: 'validation_Math_15', question: 'Compute <image 1>.', options: '[]', answer: "['24/7', '3.429']", question_type: 'open', image_2: null, image_3: null }), context);
    assert.ok(result.ok);
    assert.equal(result.sample.question, 'Compute <image 1>.\nAnswer the question using a single word or phrase.');
    assert.deepEqual(result.sample.answers, ['24/7', '3.429']);
    const plain = mmmuRowToSample(row({ options: '[]', answer: '1.06', question_type: 'open', question: '<image 1>' }), context);
    assert.ok(plain.ok);
    assert.deepEqual(plain.sample.answers, ['1.06']);
  });

  it('test split rows carry no answers', () => {
    const result = mmmuRowToSample(row({ id: 'test_Art_Theory_1', answer: '?' }), { ...context, hasAnswers: false });
    assert.ok(result.ok);
    assert.deepEqual(result.sample.answers, []);
  });

  it('names the field of every problem', () => {
    const result = mmmuRowToSample(row({ id: 'validation_Astrology_1', options: "['a', 'b'", answer: 'Q', image_2: null }), context);
    assert.ok(!result.ok);
    const fields = result.problems.map((problem) => problem.field);
    assert.deepEqual(fields, ['[3].id', '[3].options', '[3].image_2']);
    assert.match(result.problems[0]!.message, /Astrology/);
    assert.match(result.problems[1]!.message, /expected "," or "\]"/);
    const badLetter = mmmuRowToSample(row({ answer: 'E' }), context);
    assert.ok(!badLetter.ok);
    assert.match(badLetter.problems[0]!.message, /"E" is not one of the option letters A, B, C/);
  });
});

describe('parsePythonStringList', () => {
  it('reads what ast.literal_eval reads', () => {
    // Expected values printed by Python's ast.literal_eval.
    assert.deepEqual(parsePythonStringList('[\'a\', "it\'s"]'), { ok: true, items: ['a', "it's"] });
    assert.deepEqual(parsePythonStringList(' [ ] '), { ok: true, items: [] });
    assert.deepEqual(parsePythonStringList("['x\\\\y', '\\u00e9\\x41\\101', 'tab\\t', 'keep\\d']"), { ok: true, items: ['x\\y', 'éAA', 'tab\t', 'keep\\d'] });
    assert.deepEqual(parsePythonStringList("['trailing',]"), { ok: true, items: ['trailing'] });
  });
  it('refuses anything else, saying where', () => {
    for (const text of ['', "'a'", "['a' 'b']", '[1]', "['a']x", "['a\\x4']"]) {
      const parsed = parsePythonStringList(text);
      assert.ok(!parsed.ok, text);
      assert.match(parsed.reason, /at character \d+/);
    }
  });
});
