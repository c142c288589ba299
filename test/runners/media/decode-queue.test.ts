import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeQueue, defaultDecoderCount } from '../../../runners/media/decode-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('decode queue', () => {
  it('runs at most `concurrency` jobs at once, the rest in arrival order', async () => {
    const queue = new DecodeQueue(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let mostRunning = 0;
    const jobs = gates.map((gate, index) =>
      queue.run(`job-${index}`, async () => {
        started.push(index);
        running++;
        mostRunning = Math.max(mostRunning, running);
        await gate.promise;
        running--;
        return index;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1]);
    assert.equal(queue.queued, 3);
    gates[1]!.resolve();
    await jobs[1];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1, 2]);
    for (const gate of gates) gate.resolve();
    assert.deepEqual(await Promise.all(jobs), [0, 1, 2, 3, 4]);
    assert.equal(mostRunning, 2);
    assert.equal(queue.running, 0);
  });

  it('joins a job already queued or running under the same key instead of running it twice', async () => {
    const queue = new DecodeQueue(1);
    let runs = 0;
    const job = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'frames';
    };
    const results = await Promise.all([queue.run('video-a', job), queue.run('video-a', job), queue.run('video-b', job)]);
    assert.deepEqual(results, ['frames', 'frames', 'frames']);
    assert.equal(runs, 2);
  });

  it('a failed job frees its slot and its key', async () => {
    const queue = new DecodeQueue(1);
    await assert.rejects(queue.run('bad', async () => Promise.reject(new Error('moov atom not found'))), /moov atom/);
    assert.equal(await queue.run('bad', async () => 'second try'), 'second try');
    assert.equal(queue.running, 0);
  });

  it('takes its decoder count from EMU_EVAL_VIDEO_DECODERS', () => {
    const saved = process.env.EMU_EVAL_VIDEO_DECODERS;
    try {
      process.env.EMU_EVAL_VIDEO_DECODERS = '3';
      assert.equal(defaultDecoderCount(), 3);
      delete process.env.EMU_EVAL_VIDEO_DECODERS;
      assert.ok(defaultDecoderCount() >= 2 && defaultDecoderCount() <= 4);
    } finally {
      if (saved === undefined) delete process.env.EMU_EVAL_VIDEO_DECODERS;
      else process.env.EMU_EVAL_VIDEO_DECODERS = saved;
    }
    assert.throws(() => new DecodeQueue(0), RangeError);
  });
});
