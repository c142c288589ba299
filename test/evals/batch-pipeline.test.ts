import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { runInBatches } from '../../evals/batch-pipeline.js';

async function* numbers(count: number) {
  for (let index = 0; index < count; index += 1) yield index;
}

test('every item is processed once, in batches, with bounded concurrency', async () => {
  let running = 0;
  let peak = 0;
  const seen: number[] = [];
  const sizes: number[] = [];
  await runInBatches(numbers(23), { batchSize: 5, maxInFlight: 2, signal: new AbortController().signal }, async (batch) => {
    running += 1;
    peak = Math.max(peak, running);
    sizes.push(batch.length);
    await sleep(5);
    seen.push(...batch);
    running -= 1;
  });
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 23 }, (_, index) => index));
  assert.deepEqual(sizes.sort((a, b) => b - a), [5, 5, 5, 5, 3]);
  assert.equal(peak, 2);
});

test('abort stops new batches but awaits the ones started', async () => {
  const controller = new AbortController();
  const finished: number[] = [];
  await runInBatches(numbers(100), { batchSize: 1, maxInFlight: 1, signal: controller.signal }, async (batch) => {
    if (batch[0] === 3) controller.abort();
    await sleep(1);
    finished.push(batch[0]!);
  });
  assert.deepEqual(finished, [0, 1, 2, 3]);
});

test('a failing batch fails the whole run after in-flight work settles', async () => {
  await assert.rejects(
    runInBatches(numbers(10), { batchSize: 2, maxInFlight: 2, signal: new AbortController().signal }, async (batch) => {
      if (batch[0] === 4) throw new Error('model crashed');
    }),
    /model crashed/,
  );
});
