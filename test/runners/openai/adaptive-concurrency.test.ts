import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptiveConcurrency, type Permit } from '../../../runners/openai/adaptive-concurrency.js';

const running = new AbortController().signal;

async function acquireMany(limiter: AdaptiveConcurrency, count: number): Promise<Permit[]> {
  return Promise.all(Array.from({ length: count }, () => limiter.acquire(running)));
}

test('starts at the ceiling and never grants more than the limit', async () => {
  const limiter = new AdaptiveConcurrency({ max: 4 });
  const permits = await acquireMany(limiter, 4);
  let fifthGranted = false;
  const fifth = limiter.acquire(running).then((permit) => ((fifthGranted = true), permit));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fifthGranted, false);
  assert.deepEqual({ limit: limiter.stats().limit, inFlight: limiter.stats().inFlight, waiting: limiter.stats().waiting }, { limit: 4, inFlight: 4, waiting: 1 });
  permits[0]!.release({ kind: 'success', latencyMs: 10 });
  (await fifth).release({ kind: 'success', latencyMs: 10 });
  assert.equal(fifthGranted, true);
});

test('an overload halves the limit once per window, then clean successes grow it back by one per window', async () => {
  const limiter = new AdaptiveConcurrency({ max: 8 });
  const permits = await acquireMany(limiter, 8);
  // Eight requests sent together all hit the rate limit: one congestion event, one cut.
  for (const permit of permits) permit.release({ kind: 'overload' });
  assert.equal(limiter.stats().limit, 4);
  assert.equal(limiter.stats().decreases, 1);
  // A request sent after the cut that is throttled again cuts again.
  (await limiter.acquire(running)).release({ kind: 'overload' });
  assert.equal(limiter.stats().limit, 2);
  for (let round = 0; round < 40 && limiter.stats().limit < 8; round += 1) {
    (await limiter.acquire(running)).release({ kind: 'success', latencyMs: 10 });
  }
  assert.equal(limiter.stats().limit, 8);
  // Growth is additive: 2 → 8 took six windows of successes (2 + 3 + ... + 7 = 27 requests).
  assert.equal(limiter.stats().increases, 6);
});

test('latency rising well above its long-run level shrinks the limit; steady latency does not', async () => {
  const limiter = new AdaptiveConcurrency({ max: 10, latencyWarmup: 20 });
  for (let index = 0; index < 200; index += 1) (await limiter.acquire(running)).release({ kind: 'success', latencyMs: 100 + (index % 7) });
  assert.equal(limiter.stats().limit, 10);
  for (let index = 0; index < 30; index += 1) (await limiter.acquire(running)).release({ kind: 'success', latencyMs: 800 });
  assert.ok(limiter.stats().limit < 10, `limit ${limiter.stats().limit}`);

  // Against a fast server, a doubling of a few milliseconds is noise, not a queue.
  const fast = new AdaptiveConcurrency({ max: 10, latencyWarmup: 20 });
  for (let index = 0; index < 100; index += 1) (await fast.acquire(running)).release({ kind: 'success', latencyMs: 3 });
  for (let index = 0; index < 30; index += 1) (await fast.acquire(running)).release({ kind: 'success', latencyMs: 15 });
  assert.equal(fast.stats().decreases, 0);
});

test('other failures leave the limit alone; the floor is one', async () => {
  const limiter = new AdaptiveConcurrency({ max: 2 });
  (await limiter.acquire(running)).release({ kind: 'failure' });
  assert.equal(limiter.stats().limit, 2);
  for (let index = 0; index < 5; index += 1) (await limiter.acquire(running)).release({ kind: 'overload' });
  assert.equal(limiter.stats().limit, 1);
});

test('a retry waiting for a slot goes before new requests; an interrupt rejects the waiters', async () => {
  const limiter = new AdaptiveConcurrency({ max: 1 });
  const first = await limiter.acquire(running);
  const order: string[] = [];
  const fresh = limiter.acquire(running).then((permit) => (order.push('new'), permit));
  const retry = limiter.acquire(running, true).then((permit) => (order.push('retry'), permit));
  first.release({ kind: 'success', latencyMs: 1 });
  (await retry).release({ kind: 'success', latencyMs: 1 });
  (await fresh).release({ kind: 'success', latencyMs: 1 });
  assert.deepEqual(order, ['retry', 'new']);

  const controller = new AbortController();
  const holder = await limiter.acquire(controller.signal);
  const waiter = limiter.acquire(controller.signal);
  controller.abort();
  await assert.rejects(waiter, /interrupted/);
  holder.release({ kind: 'success', latencyMs: 1 });
  assert.equal(limiter.stats().inFlight, 0);
  assert.equal(limiter.stats().waiting, 0);
});
