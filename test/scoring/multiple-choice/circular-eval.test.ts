import assert from 'node:assert/strict';
import { test } from 'node:test';
import { circularGroupOf, circularVerdicts, type CircularPass } from '../../../scoring/multiple-choice/circular-eval.js';

// Hand-checked against VLMEvalKit's mcq_circular_eval / prefetch_circular_group
// (vlmeval/dataset/utils/multiple_choice.py at e8e78f05) with the judge off (`exact_matching`).

const pass = (index: number, answer: string, predicted: string | false | null): CircularPass => ({ index, group: circularGroupOf(index), answer, predicted });

test('g_index = int(index % 1e6) unless the file gives g_index', () => {
  assert.equal(circularGroupOf(7), 7);
  assert.equal(circularGroupOf(3_000_007), 7);
  assert.equal(circularGroupOf(3_000_007, 42), 42);
});

test('every pass right: hit (prefetch "Succeed During Pre-fetching")', () => {
  const verdicts = circularVerdicts([pass(5, 'A', 'A'), pass(1_000_005, 'B', 'B'), pass(2_000_005, 'C', 'C'), pass(3_000_005, 'D', 'D')]);
  assert.deepEqual(verdicts, [{ group: 5, passes: 4, hit: 1 }]);
});

test('one rotated pass inferred to another letter fails the group ("Failed in Prefetching Rolling")', () => {
  const [verdict] = circularVerdicts([pass(5, 'A', 'A'), pass(1_000_005, 'B', 'A'), pass(2_000_005, 'C', 'C')]);
  assert.deepEqual(verdict, { group: 5, passes: 3, hit: 0, reason: 'wrong', failedIndex: 1_000_005 });
});

test('Z (a refusal) is a wrong letter', () => {
  const [verdict] = circularVerdicts([pass(9, 'B', 'Z'), pass(1_000_009, 'A', 'A')]);
  assert.equal(verdict!.hit, 0);
});

test('a pass without an inferable choice fails the group when no judge is asked (exact_matching branch)', () => {
  const [verdict] = circularVerdicts([pass(5, 'A', 'A'), pass(1_000_005, 'B', false)]);
  assert.deepEqual(verdict, { group: 5, passes: 2, hit: 0, reason: 'not-inferred', failedIndex: 1_000_005 });
});

test('a wrong pass decides before an uninferable earlier one: prefetch returns at the first wrong letter', () => {
  const [verdict] = circularVerdicts([pass(5, 'A', false), pass(1_000_005, 'B', 'C')]);
  assert.equal(verdict!.hit, 0);
  assert.equal((verdict as { reason: string }).reason, 'wrong');
});

test('only groups whose main row (index == g_index) is present are scored, in main-row order', () => {
  const verdicts = circularVerdicts([pass(1_000_003, 'A', 'A'), pass(8, 'A', 'A'), pass(2, 'B', 'B'), pass(1_000_002, 'C', 'C')]);
  assert.deepEqual(verdicts.map((verdict) => verdict.group), [8, 2]);
  assert.deepEqual(verdicts.map((verdict) => verdict.passes), [1, 2]);
});

test('an errored pass leaves the group without a score unless another pass already failed it', () => {
  assert.deepEqual(circularVerdicts([pass(4, 'A', 'A'), pass(1_000_004, 'B', null)])[0], { group: 4, passes: 2, hit: null, reason: 'error', failedIndex: 1_000_004 });
  assert.equal(circularVerdicts([pass(4, 'A', 'C'), pass(1_000_004, 'B', null)])[0]!.hit, 0);
});

test('circular_accuracy units: one per question with its main pass\'s meta; errors and loose items kept apart', async () => {
  const { scoredUnits } = await import('../../../scoring/scored-units.js');
  const item = (index: number, score: number | null, category = 'c') => ({
    score,
    error: score === null,
    meta: { circularIndex: String(index), circularGroup: String(index % 1_000_000), category },
  });
  const units = scoredUnits(
    [item(1_000_000, 1, 'rotated'), item(0, 1, 'main'), item(1, 1), item(1_000_001, 0), item(2, 1), item(1_000_002, null), { score: 1, error: false, meta: {} }],
    'circular_accuracy',
    true,
  );
  assert.deepEqual(units, [
    { score: 1, error: false, meta: { circularIndex: '0', circularGroup: '0', category: 'main', circularPasses: '2' } },
    { score: 0, error: false, meta: { circularIndex: '1', circularGroup: '1', category: 'c', circularPasses: '2' } },
    { score: null, error: true, meta: { circularIndex: '2', circularGroup: '2', category: 'c', circularPasses: '2' } },
    { score: 1, error: false, meta: {} },
  ]);
  // A split without answers has nothing to combine; other metrics count samples.
  assert.equal(scoredUnits([item(0, null)], 'circular_accuracy', false).length, 1);
  assert.equal(scoredUnits([item(0, 1), item(1_000_000, 0)], 'choice_accuracy', true).length, 2);
});
