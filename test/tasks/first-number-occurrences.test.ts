// The typed-array table behind the VQA readers' duplicate-id checks must answer as the Map-based FirstOccurrences does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FirstNumberOccurrences, FirstOccurrences } from '../../tasks/formats/problem-sink.js';

test('FirstNumberOccurrences answers every claim as FirstOccurrences does, through growth and odd ids', () => {
  const table = new FirstNumberOccurrences();
  const reference = new FirstOccurrences<number>();
  const odd = [0, -0, NaN, 1.5, -1.5, 2 ** 53, -(2 ** 53), 2 ** 32, 2 ** 32 + 1, 4294967296 * 3, Number.MAX_VALUE, Infinity, -Infinity, 1e-300];
  let state = 7;
  const ids: number[] = [];
  for (let index = 0; index < 20_000; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    // Question-id-like values with repeats, ids that differ only in their high bits, and the odd ones.
    if (index % 50 === 0) ids.push(odd[(index / 50) % odd.length]!);
    else if (index % 3 === 0) ids.push(ids[state % ids.length] ?? 1);
    else if (index % 7 === 0) ids.push((state % 64) * 4294967296);
    else ids.push(262148000 + (state % 30_000));
  }
  // A table sized from an estimate (too high here) answers the same.
  const sized = new FirstNumberOccurrences(50_000);
  ids.forEach((id, index) => {
    const expected = reference.claim(id, index);
    assert.equal(table.claim(id, index), expected, `claim ${index} of id ${id}`);
    assert.equal(sized.claim(id, index), expected, `claim ${index} of id ${id}, sized table`);
  });
  assert.equal(table.claim(-0, 1), reference.claim(0, 1));
});

test('FirstNumberOccurrences refuses an index that is not an array position', () => {
  const table = new FirstNumberOccurrences();
  assert.throws(() => table.claim(1, -1), RangeError);
  assert.throws(() => table.claim(1, 1.5), RangeError);
  assert.throws(() => table.claim(1, 2 ** 31), RangeError);
  assert.equal(table.claim(1, 2 ** 31 - 2), undefined);
  assert.equal(table.claim(1, 0), 2 ** 31 - 2);
});
