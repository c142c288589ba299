// The table keys a safe integer and its decimal text as one id, exactly as String(id) keys did: the same
// lookups, the same duplicates refused, the same pairs listed in the same order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../core/random.js';
import { canonicalInteger, PredictionTable } from '../../artifact/prediction-table.js';

test('canonicalInteger is the safe integer whose String() is the text, and nothing else', () => {
  const texts = ['0', '7', '-7', '262148000', '9007199254740991', '-9007199254740991', '9007199254740992', '12345678901234567', '00', '07', '-0', '-', '', '+1', '1e3', '1.0', ' 1', '1 ', '０', '12a', 'abc', '-00', '--1'];
  for (const text of texts) {
    const number = Number(text);
    const expected = text.trim() !== '' && Number.isSafeInteger(number) && String(number) === text ? number : undefined;
    assert.equal(canonicalInteger(text), expected, JSON.stringify(text));
  }
  const random = seededRandom(3);
  for (let index = 0; index < 20000; index++) {
    const value = Math.floor((random() - 0.5) * 2 ** (1 + Math.floor(random() * 60)));
    assert.equal(canonicalInteger(String(value)), Number.isSafeInteger(value) && !Object.is(value, -0) ? value : undefined, String(value));
  }
});

test('PredictionTable holds hundreds of thousands of integer ids, as a Map of String(id) would', () => {
  const table = new PredictionTable();
  const oracle = new Map<string, string>();
  const random = seededRandom(9);
  for (let index = 0; index < 200_000; index++) {
    // VQAv2-like ids, and ids spread over the whole safe range, negatives included.
    const id = random() < 0.8 ? 262_148_000 + index * 3 : Math.floor((random() - 0.5) * 2 * Number.MAX_SAFE_INTEGER);
    const fresh = !oracle.has(String(id));
    if (fresh) oracle.set(String(id), `a${index % 7}`);
    assert.equal(table.add(id, `a${index % 7}`), fresh);
  }
  assert.equal(table.size, oracle.size);
  for (const [id, answer] of oracle) assert.equal(table.get(id), answer);
  assert.equal(table.get('262148001'), undefined);
  assert.deepEqual([...table], [...oracle]);
});

test('PredictionTable behaves as a Map keyed by String(id)', () => {
  const random = seededRandom(5);
  const ids: Array<string | number> = [0, -0, 7, '7', '07', -3, '-3', '-0', 2 ** 53, String(2 ** 53), 1.5, '1.5', 'COCO_1.jpg', '', 1e21, '1e+21', 123456789];
  for (let round = 0; round < 200; round++) {
    const table = new PredictionTable();
    const oracle = new Map<string, string>();
    for (let step = 0; step < 12; step++) {
      const id = ids[Math.floor(random() * ids.length)]!;
      const answer = `a${step}`;
      const fresh = !oracle.has(String(id));
      if (fresh) oracle.set(String(id), answer);
      assert.equal(table.add(id, answer), fresh, `add ${String(id)}`);
    }
    assert.deepEqual([...table], [...oracle]);
    assert.equal(table.size, oracle.size);
    for (const id of ids) assert.equal(table.get(String(id)), oracle.get(String(id)), `get ${String(id)}`);
  }
});
