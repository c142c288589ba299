import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapLimited, Semaphore } from '../../../runners/onnx/concurrency.js';

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('bounded concurrency', () => {
  test('a semaphore never lets more than its permits run, and releases on failure', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const task = (fail: boolean) =>
      semaphore.use(async () => {
        running++;
        peak = Math.max(peak, running);
        await pause(5);
        running--;
        if (fail) throw new Error('boom');
        return 'done';
      });
    const results = await Promise.allSettled([task(false), task(true), task(false), task(false), task(true)]);
    assert.equal(peak, 2);
    assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
    assert.equal(await task(false), 'done');
  });

  test('mapLimited keeps input order with at most `limit` tasks in flight', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimited([30, 5, 20, 1, 10], 2, async (delay, index) => {
      running++;
      peak = Math.max(peak, running);
      await pause(delay);
      running--;
      return index * 10;
    });
    assert.deepEqual(results, [0, 10, 20, 30, 40]);
    assert.equal(peak, 2);
    assert.deepEqual(await mapLimited([], 4, async () => 1), []);
  });
});
