// recordedMeta gives each sample the task's recorded keys as strings; equal ones are one frozen object.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../core/contracts/task.js';
import { recordedMeta } from '../../scoring/score-sample.js';

const sample = (meta: Record<string, unknown>): Sample => ({ id: 'x', question: 'q', answers: [], media: [], meta });

test('recordedMeta: the recorded keys as strings, equal metas shared and frozen', () => {
  const keys = ['answerType', 'questionType'];
  const first = recordedMeta(sample({ answerType: 'yes/no', questionType: 'is there a', imageId: 7 }), keys);
  assert.deepEqual(first, { answerType: 'yes/no', questionType: 'is there a' });
  assert.ok(Object.isFrozen(first));
  assert.equal(recordedMeta(sample({ questionType: 'is there a', answerType: 'yes/no', imageId: 8 }), keys), first, 'equal values: the same object');
  assert.notEqual(recordedMeta(sample({ answerType: 'number', questionType: 'is there a' }), keys), first);
  // Numbers are recorded as their strings; absent and non-scalar values are left out.
  assert.deepEqual(recordedMeta(sample({ answerType: 3, questionType: { nested: true } }), keys), { answerType: '3' });
  assert.equal(recordedMeta(sample({ answerType: 3 }), keys), recordedMeta(sample({ answerType: '3', questionType: null }), keys));
  // Another key list is another family of metas.
  assert.deepEqual(recordedMeta(sample({ answerType: 'yes/no', questionType: 'is there a' }), ['questionType']), { questionType: 'is there a' });
  // A key per sample (ids) stops being shared past the bound, with the same contents.
  const ids = ['imageId'];
  const many = Array.from({ length: 12_000 }, (_, index) => recordedMeta(sample({ imageId: index }), ids));
  assert.deepEqual(many[11_999], { imageId: '11999' });
  assert.deepEqual(recordedMeta(sample({ imageId: 11_999 }), ids), { imageId: '11999' });
});
