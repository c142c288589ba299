// openOnFirstNext behaves as `async function* () { yield* await open(); }` would: opened by the first
// next (its error surfaces there), items passed through in order, return closing what was opened.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openOnFirstNext } from '../../../tasks/formats/open-on-first-next.js';

test('openOnFirstNext opens once, at the first next, and passes every item through', async () => {
  let opens = 0;
  const iterable = openOnFirstNext(async () => {
    opens++;
    return (async function* () {
      yield 1;
      yield 2;
    })();
  });
  const iterator = iterable[Symbol.asyncIterator]();
  assert.equal(opens, 0, 'nothing opened before the first next');
  assert.deepEqual([await iterator.next(), await iterator.next(), await iterator.next()], [
    { value: 1, done: false },
    { value: 2, done: false },
    { value: undefined, done: true },
  ]);
  assert.equal(opens, 1);
  const all: number[] = [];
  for await (const item of openOnFirstNext(async () =>
    (async function* () {
      yield 3;
      yield 4;
    })(),
  ))
    all.push(item);
  assert.deepEqual(all, [3, 4]);
});

test('openOnFirstNext: an opening error surfaces at the first next; return closes the opened reader, or nothing', async () => {
  const failing = openOnFirstNext<number>(async () => {
    throw new Error('no such file');
  })[Symbol.asyncIterator]();
  await assert.rejects(failing.next(), /no such file/);
  let opened = false;
  const untouched = openOnFirstNext<number>(async () => {
    opened = true;
    return (async function* () {})();
  })[Symbol.asyncIterator]();
  assert.deepEqual(await untouched.return!(), { done: true, value: undefined });
  assert.equal(opened, false, 'return before the first next opens nothing');
  let closed = false;
  const reader = openOnFirstNext(async () =>
    (async function* () {
      try {
        yield 'a';
        yield 'b';
      } finally {
        closed = true;
      }
    })(),
  );
  for await (const item of reader) {
    assert.equal(item, 'a');
    break;
  }
  assert.equal(closed, true, 'breaking out of the loop closes the opened reader');
});
