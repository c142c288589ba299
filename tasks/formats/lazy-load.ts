import type { LoadOptions, Sample, SplitInfo } from '../../core/contracts/task.js';
import type { ParquetTaskLayout } from './parquet-layout.js';

// A task module is imported by the registry whenever any command starts, so it keeps at top level only
// what its adapter shows synchronously (splits, prompts, recordMeta ...). Its readers (JSON streams,
// Parquet, TSV, video lists) are imported here, by the first `load`: its first sample waits for the
// import, and that is where a reader's errors surface anyway.

/** A task's load. */
export type TaskLoad = (options: LoadOptions) => AsyncIterable<Sample>;

/**
 * A load whose reader module is imported on its first call (once: later calls reuse it). The iterator
 * hands each `next` straight to the reader's own iterator once it is open: an async generator around it
 * (`yield*`) would cost a few microseconds per sample, most of the read time of a 200,000-question split.
 */
export function loadOnFirstUse(importLoad: () => Promise<TaskLoad>): TaskLoad {
  let loaded: Promise<TaskLoad> | undefined;
  return (options) => ({
    [Symbol.asyncIterator](): AsyncIterator<Sample> {
      let inner: AsyncIterator<Sample> | undefined;
      let opening: Promise<AsyncIterator<Sample>> | undefined;
      const open = () => (opening ??= (loaded ??= importLoad()).then((load) => (inner = load(options)[Symbol.asyncIterator]())));
      return {
        next: () => (inner ? inner.next() : open().then((iterator) => iterator.next())),
        return: async (value?: unknown) => {
          const iterator = inner ?? (opening ? await opening : undefined);
          return iterator?.return ? iterator.return(value) : { done: true as const, value: undefined };
        },
      };
    },
  });
}

/**
 * loadOfficialOrParquet (parquet-task-layout.ts) with its parts imported on the first call: the task's
 * own reader of the official files, and the layout of its Parquet snapshot.
 */
export function officialOrParquetOnFirstUse<Row>(
  splits: SplitInfo[],
  importParts: () => Promise<{ parquet: ParquetTaskLayout<Row>; official: TaskLoad }>,
): TaskLoad {
  return loadOnFirstUse(async () => {
    const [{ loadOfficialOrParquet }, { parquet, official }] = await Promise.all([import('./parquet-task-layout.js'), importParts()]);
    return loadOfficialOrParquet(parquet, splits, official);
  });
}
