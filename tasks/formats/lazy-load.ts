import type { LoadOptions, Sample, SplitInfo } from '../../core/contracts/task.js';
import type { ParquetTaskLayout } from './parquet-layout.js';
import { openOnFirstNext } from './open-on-first-next.js';

// A task module is imported by the registry whenever any command starts, so it keeps at top level only
// what its adapter shows synchronously (splits, prompts, recordMeta ...). Its readers (JSON streams,
// Parquet, TSV, video lists) are imported here, by the first `load`: its first `next` awaits the
// import before its first sample, which is where a reader's errors surface anyway.

/** A task's load. */
export type TaskLoad = (options: LoadOptions) => AsyncIterable<Sample>;

/** A load whose reader module is imported on its first call (once: later calls reuse it). */
export function loadOnFirstUse(importLoad: () => Promise<TaskLoad>): TaskLoad {
  let loaded: Promise<TaskLoad> | undefined;
  return (options) => openOnFirstNext(async () => (await (loaded ??= importLoad()))(options));
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
