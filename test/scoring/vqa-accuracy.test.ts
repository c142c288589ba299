import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { DataError } from '../../core/errors.js';
import { exactMatch } from '../../scoring/metrics/exact-match.js';
import { scoringRuleFor, scoringRules } from '../../scoring/metrics/index.js';
import { roundHalfEven } from '../../scoring/metrics/python-round.js';
import { vqaAccuracy } from '../../scoring/metrics/vqa-accuracy.js';
import {
  cleanAnswer,
  normalizeAnswer,
  processDigitArticle,
  processPunctuation,
} from '../../scoring/metrics/vqa-normalize.js';

interface VectorRow {
  question_id: number;
  answers: string[];
  prediction: string;
  answer_type: string;
  question_type: string;
  acc: number;
  evalQA: number;
}
interface VectorSummary {
  overall: number;
  perAnswerType: Record<string, number>;
}

function readVectors(): { rows: VectorRow[]; summary: VectorSummary } {
  const lines = readFileSync(new URL('../fixtures/vqa-accuracy-vectors.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
  const summary = lines.pop() as VectorSummary;
  return { rows: lines as VectorRow[], summary };
}

/** The official aggregate: round(100 * sum / n, 2), summing the unrounded values in order. */
function officialPercentage(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return roundHalfEven((100 * sum) / values.length, 2);
}

/** Ten answers where the positions listed equal `match` and the rest are distinct other strings. */
function answersMatchingAt(positions: readonly number[], match = 'red'): string[] {
  return Array.from({ length: 10 }, (_, index) => (positions.includes(index) ? match : `other ${index}`));
}

describe('official vectors (vqaEval.py)', () => {
  const { rows, summary } = readVectors();

  it('has every case of the fixture', () => {
    assert.equal(rows.length, 404);
    assert.equal(typeof summary.overall, 'number');
  });

  it('reproduces every per-question accuracy and rounded evalQA', () => {
    const failures: string[] = [];
    for (const row of rows) {
      const accuracy = vqaAccuracy(row.prediction, row.answers);
      if (Math.abs(accuracy - row.acc) > 1e-12) failures.push(`${row.question_id}: acc ${accuracy} != ${row.acc}`);
      const rounded = roundHalfEven(100 * accuracy, 2);
      if (rounded !== row.evalQA) failures.push(`${row.question_id}: evalQA ${rounded} != ${row.evalQA}`);
    }
    assert.deepEqual(failures, []);
  });

  it('reproduces the per-question doubles bit for bit', () => {
    for (const row of rows) assert.equal(vqaAccuracy(row.prediction, row.answers), row.acc, `question ${row.question_id}`);
  });

  it('reproduces the overall and per-answer-type aggregates', () => {
    const scores = rows.map((row) => vqaAccuracy(row.prediction, row.answers));
    assert.equal(officialPercentage(scores), summary.overall);
    const byAnswerType = new Map<string, number[]>();
    rows.forEach((row, index) => {
      const group = byAnswerType.get(row.answer_type) ?? [];
      group.push(scores[index]);
      byAnswerType.set(row.answer_type, group);
    });
    assert.deepEqual(
      Object.fromEntries([...byAnswerType].map(([type, values]) => [type, officialPercentage(values)])),
      summary.perAnswerType,
    );
  });
});

describe('leave-one-out accuracy', () => {
  it('gives 0, 0.3, 0.6, 0.9, 1 for k = 0..4 matching answers, as doubles summed in order', () => {
    assert.equal(vqaAccuracy('red', answersMatchingAt([])), 0);
    assert.equal(vqaAccuracy('red', answersMatchingAt([4])), 0.3);
    assert.equal(vqaAccuracy('red', answersMatchingAt([7, 8])), 0.5999999999999999);
    assert.equal(vqaAccuracy('red', answersMatchingAt([0, 1, 2])), 0.9);
    assert.equal(vqaAccuracy('red', answersMatchingAt([0, 1, 2, 3])), 1);
    assert.equal(vqaAccuracy('red', answersMatchingAt([0, 1, 2, 3, 4, 5, 6, 7, 8])), 1);
  });

  it('depends on the positions of the matches, like Python summing in answer order', () => {
    assert.equal(vqaAccuracy('red', answersMatchingAt([0, 1])), 0.6);
    assert.equal(vqaAccuracy('red', answersMatchingAt([3, 4])), 0.6000000000000001);
    assert.equal(vqaAccuracy('red', answersMatchingAt([0, 1, 9])), 0.8999999999999998);
  });

  it('counts repeated answers by position, not by value', () => {
    // Ten identical answers: each one sees nine others equal to the prediction.
    assert.equal(vqaAccuracy('red', Array(10).fill('red')), 1);
  });

  it('rejects a question without human answers', () => {
    assert.throws(() => vqaAccuracy('red', []), DataError);
  });
});

describe('official normalization rule', () => {
  const tenBlack = Array(10).fill('black');

  it('compares exactly and case-sensitively when all human answers agree', () => {
    assert.equal(vqaAccuracy('Black.', tenBlack), 0);
    assert.equal(vqaAccuracy('black.', tenBlack), 0);
    assert.equal(vqaAccuracy('black', tenBlack), 1);
  });

  it('still replaces newlines and tabs and strips before the unanimous comparison', () => {
    assert.equal(vqaAccuracy(' black\n', tenBlack), 1);
    assert.equal(vqaAccuracy('black', ['\tblack', ...Array(9).fill('black ')]), 1);
  });

  it('judges agreement after stripping, so answers differing only by outer spaces are unanimous', () => {
    assert.equal(vqaAccuracy('Black', ['black ', ...Array(9).fill('black')]), 0);
  });

  it('normalizes everything once one annotator disagrees', () => {
    assert.equal(vqaAccuracy('Black.', [...Array(9).fill('black'), 'white']), 1);
  });

  it("normalizes even unanimous answers in 'always' mode (lmms-eval)", () => {
    assert.equal(vqaAccuracy('Black.', tenBlack, 'always'), 1);
    assert.equal(vqaAccuracy('The Two!', Array(10).fill('2'), 'always'), 1);
    assert.equal(vqaAccuracy('The Two!', Array(10).fill('2'), 'official'), 0);
  });
});

describe('processPunctuation', () => {
  it('replaces a punctuation character by a space unless it touches a space in the original text', () => {
    assert.equal(processPunctuation('a-b'), 'a b');
    assert.equal(processPunctuation('a- b'), 'a b');
    assert.equal(processPunctuation('x-ray, yes'), 'x ray yes');
    assert.equal(processPunctuation('hi!'), 'hi ');
    assert.equal(processPunctuation('hi !'), 'hi ');
  });

  it('deletes every punctuation character once a digit-comma-digit appears anywhere', () => {
    assert.equal(processPunctuation('1,000'), '1000');
    assert.equal(processPunctuation('a-b 1,2'), 'ab 12');
    assert.equal(processPunctuation('a,b'), 'a b');
  });

  it('treats only ASCII digits as digits', () => {
    assert.equal(processPunctuation('٣,٣'), '٣ ٣');
    assert.equal(processPunctuation('٣.'), '٣');
  });

  it('leaves apostrophes, colons and $ % & * # alone', () => {
    assert.equal(processPunctuation("it's 10:30 $5 50% a&b *#"), "it's 10:30 $5 50% a&b *#");
  });

  it('removes periods not followed by a digit, judged after the punctuation step', () => {
    assert.equal(processPunctuation('3.5'), '3.5');
    assert.equal(processPunctuation('5.'), '5');
    assert.equal(processPunctuation('.5'), '.5');
    assert.equal(processPunctuation('..5'), '.5');
    assert.equal(processPunctuation('5.a'), '5a');
    assert.equal(processPunctuation('1,2 .,5'), '12 .5');
  });

  it('removes at most 32 periods (re.UNICODE passed as the count)', () => {
    assert.equal(processPunctuation(`${'.'.repeat(40)}x`), `${'.'.repeat(8)}x`);
    assert.equal(processPunctuation('. '.repeat(33)), `${' '.repeat(32)}. `);
    assert.equal(normalizeAnswer(`an ${'.'.repeat(40)}x`), `${'.'.repeat(8)}x`);
  });
});

describe('processDigitArticle', () => {
  it('maps number words up to ten, and none to zero', () => {
    assert.equal(processDigitArticle('Two'), '2');
    assert.equal(processDigitArticle('none'), '0');
    assert.equal(processDigitArticle('ten eleven'), '10 eleven');
  });

  it('drops articles as whole words and joins with single spaces', () => {
    assert.equal(processDigitArticle('  The  red   a dog  an '), 'red dog');
    assert.equal(processDigitArticle('another theory'), 'another theory');
  });

  it('maps contractions after lowercasing, so capitalized keys never match', () => {
    assert.equal(processDigitArticle('Dont'), "don't");
    assert.equal(processDigitArticle('whats that'), "what's that");
    assert.equal(processDigitArticle('Im'), 'im');
    assert.equal(processDigitArticle('Ive'), 'ive');
    assert.equal(processDigitArticle("somebody'd"), 'somebodyd');
  });

  it("splits on Python's whitespace, not JavaScript's", () => {
    assert.equal(processDigitArticle('a\u3000b\x1cc'), 'b c');
    assert.equal(processDigitArticle('x\ufeffy'), 'x\ufeffy');
  });
});

describe('normalizeAnswer and cleanAnswer', () => {
  it('runs the whole pipeline', () => {
    assert.equal(normalizeAnswer(' The Two Dogs!\n'), '2 dogs');
    assert.equal(normalizeAnswer('1,000'), '1000');
    assert.equal(normalizeAnswer("It's 10:30."), "it's 10:30");
  });

  it('turns tabs and newlines into spaces before judging punctuation', () => {
    // "\t-" becomes " -": a hyphen next to a space, so every hyphen is deleted instead of spaced.
    assert.equal(normalizeAnswer('co-op\t-'), 'coop');
    assert.equal(normalizeAnswer('co-op'), 'co op');
    assert.equal(cleanAnswer('\tyes\n'), 'yes');
    assert.equal(cleanAnswer('\u00a0yes\u2003'), 'yes');
    assert.equal(cleanAnswer('\ufeffyes'), '\ufeffyes');
  });
});

describe('exactMatch', () => {
  it('normalizes both sides by default and matches any gold answer', () => {
    assert.equal(exactMatch('The Two.', ['2']), 1);
    assert.equal(exactMatch('Dog!', ['cat', 'dog']), 1);
    assert.equal(exactMatch('dogs', ['dog']), 0);
    assert.equal(exactMatch('dog', []), 0);
  });

  it("compares a single gold answer exactly in 'official' mode", () => {
    assert.equal(exactMatch('Dog', ['dog'], 'official'), 0);
    assert.equal(exactMatch(' dog\n', ['dog'], 'official'), 1);
  });
});

describe('scoring rule registry', () => {
  it('gives VQAv2 / OK-VQA vqaEval.py\'s rule, varied by --normalize only', () => {
    assert.equal(scoringRuleFor('vqa-eval', { normalize: 'official' }), 'vqa-eval');
    assert.equal(scoringRuleFor('vqa-eval', { normalize: 'always', gqaAnswers: 'llava' }), 'vqa-eval-always');
    assert.equal(scoringRules['vqa-eval'].score('Black.', Array(10).fill('black')), 0);
    assert.equal(scoringRules['vqa-eval-always'].score('Black.', Array(10).fill('black')), 1);
    assert.equal(scoringRules['emu-eval-exact-match'].score('The Dog.', ['dog']), 1);
  });

  it('keeps every other evaluator\'s rule whatever --normalize says', () => {
    for (const normalize of ['official', 'always'] as const) {
      assert.equal(scoringRuleFor('m4c-textvqa', { normalize }), 'm4c-textvqa');
      assert.equal(scoringRuleFor('vizwiz-vqa-eval', { normalize }), 'vizwiz-vqa-eval');
      assert.equal(scoringRuleFor('gqa-eval', { normalize }), 'gqa-eval');
    }
    assert.equal(scoringRuleFor('gqa-eval', { normalize: 'official', gqaAnswers: 'llava' }), 'gqa-eval-llava');
    for (const [id, rule] of Object.entries(scoringRules)) assert.equal(rule.id, id);
  });
});
