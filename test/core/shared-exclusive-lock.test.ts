import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SharedExclusiveLock } from '../../core/shared-exclusive-lock.js';

describe('SharedExclusiveLock', () => {
  it('runs shared holders together and an exclusive holder alone, in arrival order', async () => {
    const lock = new SharedExclusiveLock();
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const shared = (name: string, ms: number) =>
      lock.shared(async () => {
        running++;
        most = Math.max(most, running);
        events.push(`${name}+`);
        await sleep(ms);
        events.push(`${name}-`);
        running--;
      });
    const exclusive = (name: string) =>
      lock.exclusive(async () => {
        assert.equal(running, 0, `${name} ran beside a shared holder`);
        events.push(`${name}+`);
        await sleep(5);
        events.push(`${name}-`);
      });
    await Promise.all([shared('a', 20), shared('b', 20), exclusive('x'), shared('c', 1)]);
    assert.equal(most, 2);
    // c arrived after x: it waits for x instead of overtaking it.
    assert.deepEqual(events.slice(-4), ['x+', 'x-', 'c+', 'c-']);
  });

  it('lets work inside an exclusive section take the shared side without waiting for itself', async () => {
    const lock = new SharedExclusiveLock();
    const value = await lock.exclusive(() => lock.shared(async () => 42));
    assert.equal(value, 42);
  });

  it('releases on errors', async () => {
    const lock = new SharedExclusiveLock();
    await assert.rejects(lock.exclusive(async () => { throw new Error('boom'); }), /boom/);
    await assert.rejects(lock.shared(async () => { throw new Error('bang'); }), /bang/);
    assert.equal(await lock.exclusive(async () => 'free'), 'free');
  });
});
