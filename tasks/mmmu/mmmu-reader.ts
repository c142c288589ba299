import path from 'node:path';
import { imageFromBytes } from '../../core/media-ref.js';
import { imageInside } from '../formats/image-path.js';
import { FirstOccurrences, ProblemSink } from '../formats/problem-sink.js';
import { openSingleFileSplit } from '../formats/split-files.js';
import { streamValidated } from '../formats/validated-stream.js';
import { mmmuRowSchema, mmmuRowToSample, type MmmuRowContext } from './mmmu-row.js';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';

// The reader of MMMU's JSON form (tasks/mmmu.ts), imported by the task's first load.

/** A split of the JSON form, as tasks/mmmu.ts lists them. */
export interface MmmuSplit {
  name: string;
  file: string;
  hasAnswers: boolean;
}

/** Reads a split of the JSON form; `splits` is the task's table (tasks/mmmu.ts). */
export async function* loadMmmu(splits: readonly MmmuSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  const opened = await openSingleFileSplit('mmmu', splits, options);
  if (!opened) return;
  const { split, file, dataDir, sink } = opened;
  const ids = new FirstOccurrences<string>();
  for await (const { value: row, index, path: rowPath } of streamValidated(file, { kind: 'array' }, mmmuRowSchema, sink)) {
    const earlier = ids.claim(row.id, index);
    if (earlier !== undefined) {
      sink.report({ file, field: `${rowPath}.id`, message: `duplicate id ${JSON.stringify(row.id)}, already used by [${earlier}]` });
      continue;
    }
    const context: MmmuRowContext = {
      file,
      field: rowPath,
      hasAnswers: split.hasAnswers,
      imageRef(cell, column, report) {
        const origin = { file, field: `${rowPath}.${column}` };
        if (cell.bytes) return imageFromBytes(cell.bytes, origin);
        if (!cell.path) {
          report({ ...origin, message: 'an image cell needs its bytes or a path' });
          return undefined;
        }
        if (options.textOnly) return { kind: 'image', path: path.join(dataDir, cell.path), root: dataDir };
        return imageInside(new ProblemSink(report), dataDir, '', cell.path, { ...origin, field: `${origin.field}.path` });
      },
    };
    const result = mmmuRowToSample(row, context);
    if (result.ok) yield result.sample;
    else sink.reportAll(result.problems);
  }
}
