// The hand-written checks beside the hot schemas (core/validation.ts withFastCheck) may only accept what
// zod accepts and returns unchanged; everything else must go to zod, for zod's error messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { sampleRecordSchema } from '../../artifact/schema.js';
import { readPredictions } from '../../artifact/predictions.js';
import { passesFastCheck } from '../../core/validation.js';
import { seededRandom } from '../../core/random.js';
import { vqaQuestionSchema, vqaV2AnnotationSchema } from '../../tasks/formats/vqa-format-schemas.js';
import { writeFileSync } from 'node:fs';
import { temporaryFolder } from '../helpers/cli.js';
import path from 'node:path';

const oddValues = [undefined, null, -1, 0, 1, 2, 10, 11, 1.5, 2 ** 53, '', 'x', 'yes', 'maybe', 'other', 'error', true, [], {}, ['a'], { answer: 'a' }];

/** Copies of `valid` with one field replaced, removed or added, or an array element changed. */
function mutations(valid: Record<string, unknown>, random: () => number, count: number): unknown[] {
  const out: unknown[] = [valid, { ...valid, extra: 1 }, [valid], null, 'text'];
  const keys = Object.keys(valid);
  for (let index = 0; index < count; index++) {
    const copy: Record<string, unknown> = structuredClone(valid);
    const key = keys[Math.floor(random() * keys.length)]!;
    const odd = oddValues[Math.floor(random() * oddValues.length)];
    const roll = random();
    if (roll < 0.15) delete copy[key];
    else if (roll < 0.3 && Array.isArray(copy[key]) && (copy[key] as unknown[]).length > 0) {
      const list = copy[key] as unknown[];
      const at = Math.floor(random() * list.length);
      const element = list[at];
      if (element && typeof element === 'object') (element as Record<string, unknown>)[Object.keys(element)[Math.floor(random() * 3)] ?? 'answer'] = odd;
      else list[at] = odd;
    } else if (roll < 0.4) {
      // Same fields, another key order.
      out.push(Object.fromEntries(Object.entries(copy).reverse()));
      continue;
    } else copy[key] = odd;
    out.push(copy);
  }
  return out;
}

function assertAgrees(schema: z.ZodType, values: unknown[], sameText: boolean): number {
  let fast = 0;
  for (const value of values) {
    if (!passesFastCheck(schema, value)) continue;
    fast += 1;
    const parsed = schema.safeParse(value);
    assert.ok(parsed.success, `fast check accepted what zod refuses: ${JSON.stringify(value)}`);
    assert.deepEqual(parsed.data, value);
    if (sameText) assert.equal(JSON.stringify(parsed.data), JSON.stringify(value));
  }
  return fast;
}

const random = seededRandom(11);
const answers = Array.from({ length: 10 }, (_, index) => ({ answer: index % 2 ? 'two' : 'yes', answer_confidence: 'maybe', answer_id: index + 1 }));

test('VQA question and annotation checks accept only what zod accepts', () => {
  assert.ok(assertAgrees(vqaQuestionSchema, mutations({ image_id: 1, question: 'what?', question_id: 1000 }, random, 400), false) > 1);
  assert.ok(assertAgrees(vqaV2AnnotationSchema, mutations({ question_id: 1, image_id: 2, question_type: 'what', answer_type: 'other', multiple_choice_answer: 'yes', answers }, random, 600), false) > 1);
});

test('a sample line passes the fast check only as emu-eval writes it: the schema key order, same text after zod', () => {
  const record = { task: 'vqav2', sampleId: '1', shots: 0, trial: 0, demoIds: [], promptHash: 'ab', output: 'x', finishReason: 'stop', extracted: 'x', score: 1, latencyMs: 0, meta: { answerType: 'other' } };
  const values = mutations(record, random, 800);
  values.push({ ...record, error: 'e', tokens: 3, cached: true }, { ...record, judge: { pred: 'yes', score: 4 } }, { ...record, score: null, demosDropped: 1 });
  // Fields the hand check does not verify always go to zod, valid or not.
  for (const extra of [{ judge: { pred: 'yes', score: 4 } }, { judge: 'x' }, { loglik: 'x' }, { binary: { label: 2 } }, { grades: [{}] }]) assert.equal(passesFastCheck(sampleRecordSchema, { ...record, ...extra }), false);
  assert.ok(assertAgrees(sampleRecordSchema, values, true) > 2);
  assert.equal(passesFastCheck(sampleRecordSchema, Object.fromEntries(Object.entries(record).reverse())), false);
});

test('predictions files keep zod\'s message for a bad entry after thousands of good ones', async () => {
  const folder = temporaryFolder();
  const file = path.join(folder, 'results.json');
  const entries: unknown[] = Array.from({ length: 3000 }, (_, index) => ({ question_id: index, answer: 'yes' }));
  entries.push({ image: 'VizWiz_1.jpg', answer: 'no' }, { question_id: 'q', answer: '' });
  writeFileSync(file, JSON.stringify(entries));
  assert.equal((await readPredictions(file)).answers.size, 3002);
  entries.push({ question_id: 1.5, answer: 'x' });
  writeFileSync(file, JSON.stringify(entries));
  await assert.rejects(readPredictions(file), /results\.json: invalid content\n {2}\[3002\]/);
});
