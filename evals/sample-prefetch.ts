import type { Sample } from '../core/contracts/task.js';
import type { SelectionOptions, TaskDraft } from './plan.js';

/**
 * A task's sample stream opened ahead of its evaluation: its reader starts (a big VQA split starts its
 * worker thread) while the runner is created and the run directory is opened, instead of after. The
 * first unit of the task takes it over; a stream nobody took is closed (`close`). Reading ahead changes
 * nothing a run sees: the same samples in the same order, and a reader's error is thrown by the loop, where
 * it was thrown before.
 */
export class SamplePrefetch {
  private readonly iterator: AsyncIterator<Sample>;
  private first: Promise<IteratorResult<Sample>> | undefined;
  private taken = false;

  /** The task whose stream this is. */
  readonly taskId: string;

  constructor(task: TaskDraft, selection: SelectionOptions) {
    this.taskId = task.record.id;
    const stream = task.adapter.load({ dataDir: task.record.dataDir, split: task.record.split, textOnly: selection.textOnly, countOnly: selection.countOnly });
    this.iterator = stream[Symbol.asyncIterator]();
    this.first = this.iterator.next();
    // Handled here; its error is thrown again to whoever takes the stream.
    this.first.catch(() => {});
  }

  /** The stream from its first sample on, once. */
  take(): AsyncIterable<Sample> | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    const iterator = this.iterator;
    let first = this.first;
    this.first = undefined;
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (first === undefined) return iterator.next();
          const pending = first;
          first = undefined;
          return pending;
        },
        return: async (value?: unknown) => (iterator.return ? iterator.return(value) : { done: true as const, value: undefined }),
      }),
    };
  }

  /** Stops a stream nobody took (its reader closes its files and threads). */
  async close(): Promise<void> {
    if (this.taken) return;
    this.taken = true;
    await this.first?.catch(() => undefined);
    await this.iterator.return?.();
  }
}
