import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample, TaskAdapter } from '../../core/contracts/task.js';
import { DataError } from '../../core/errors.js';
import type { TaskDraft } from '../../evals/plan.js';
import { SamplePrefetch } from '../../evals/sample-prefetch.js';

const sample = (id: string): Sample => ({ id, question: `q${id}`, answers: ['a'], media: [], meta: {} });

/** A task whose reader logs what happens to it: started, each sample handed out, closed. */
function loggingTask(count: number, failAt?: number): { draft: TaskDraft; log: string[] } {
  const log: string[] = [];
  const adapter = {
    id: 'fake',
    async *load() {
      log.push('started');
      try {
        for (let index = 0; index < count; index++) {
          if (index === failAt) throw new DataError(`fake.json: bad element ${index}`, 'fake.json');
          log.push(`sample ${index}`);
          yield sample(String(index));
        }
      } finally {
        log.push('closed');
      }
    },
  } as unknown as TaskAdapter;
  const draft = { adapter, record: { id: 'fake', version: 1, metric: 'vqa_accuracy', benchmark: 'Fake', split: 'val', hasAnswers: true, dataDir: '/nowhere', bundledSample: false } } as TaskDraft;
  return { draft, log };
}

async function ids(samples: AsyncIterable<Sample>): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of samples) seen.push(item.id);
  return seen;
}

test('a prefetched stream starts reading at once and hands over every sample, once', async () => {
  const { draft, log } = loggingTask(3);
  const prefetch = new SamplePrefetch(draft, {});
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ['started', 'sample 0']);
  assert.equal(prefetch.taskId, 'fake');
  const stream = prefetch.take()!;
  assert.equal(prefetch.take(), undefined);
  assert.deepEqual(await ids(stream), ['0', '1', '2']);
  assert.deepEqual(log, ['started', 'sample 0', 'sample 1', 'sample 2', 'closed']);
  await prefetch.close();
  assert.equal(log.filter((entry) => entry === 'closed').length, 1);
});

test('a prefetched stream nobody takes is closed, and one left early closes its reader', async () => {
  const untaken = loggingTask(5);
  await new SamplePrefetch(untaken.draft, {}).close();
  assert.deepEqual(untaken.log, ['started', 'sample 0', 'closed']);
  const early = loggingTask(5);
  for await (const item of new SamplePrefetch(early.draft, {}).take()!) if (item.id === '1') break;
  assert.deepEqual(early.log, ['started', 'sample 0', 'sample 1', 'closed']);
});

test("a reader's error is thrown to whoever takes the stream, never as an unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const first = loggingTask(3, 0);
    const prefetch = new SamplePrefetch(first.draft, {});
    await new Promise((resolve) => setTimeout(resolve, 10));
    await assert.rejects(ids(prefetch.take()!), (error: unknown) => error instanceof DataError && error.message === 'fake.json: bad element 0');
    const later = loggingTask(3, 2);
    await assert.rejects(ids(new SamplePrefetch(later.draft, {}).take()!), /bad element 2/);
    // A failing stream nobody takes closes quietly.
    await new SamplePrefetch(loggingTask(3, 0).draft, {}).close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
