import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadOptions, Sample, SplitInfo } from '../../core/contracts/task.js';
import { openOnFirstNext } from './open-on-first-next.js';
import { ProblemSink } from './problem-sink.js';
import { parquetAlternative, splitSource } from './split-source.js';
import type { ParquetTaskLayout } from './parquet-layout.js';

// The layout itself and withParquetFiles live apart (parquet-layout.ts): task modules need them at start,
// this reader only when a split is loaded.
export { withParquetFiles, type ParquetTaskLayout } from './parquet-layout.js';

/** A task's load: the official reader, or the Parquet one when the data folder holds the snapshot instead. */
export function loadOfficialOrParquet<Row>(
  layout: ParquetTaskLayout<Row>,
  splits: SplitInfo[],
  official: (options: LoadOptions) => AsyncIterable<Sample>,
): (options: LoadOptions) => AsyncIterable<Sample> {
  return (options) =>
    openOnFirstNext(async () => {
      const dataDir = path.resolve(options.dataDir);
      const split = splits.find((candidate) => candidate.name === options.split);
      const source = split ? await splitSource(split, dataDir) : undefined;
      if (source?.format !== 'parquet') {
        // Neither form complete: name the official file that is missing, and the snapshot that would do instead.
        const missing = split ? await firstMissing(dataDir, split.files) : undefined;
        if (split && missing) {
          new ProblemSink(options.onProblem).report({ file: path.join(dataDir, missing), message: `${layout.taskId} split "${split.name}" needs this file, but it is missing${parquetAlternative(split)}` });
          return NO_SAMPLES;
        }
        return official(options);
      }
      // The Parquet reader (and hyparquet behind it) is imported only for a snapshot.
      const { loadParquetSplit } = await import('./parquet-split-reader.js');
      return loadParquetSplit(layout, split!, source.groups, options);
    });
}

const NO_SAMPLES: AsyncIterable<Sample> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true as const, value: undefined }) }) };

async function firstMissing(dataDir: string, files: readonly string[]): Promise<string | undefined> {
  for (const name of files) {
    const present = await stat(path.join(dataDir, name)).then(
      (info) => info.isFile(),
      () => false,
    );
    if (!present) return name;
  }
  return undefined;
}
