import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { resolveInside } from '../../core/safe-path.js';
import type { DataProblem, SplitInfo } from '../../core/contracts/task.js';
import { ProblemSink } from './problem-sink.js';

export function findSplit<Split extends { name: string }>(taskId: string, splits: readonly Split[], name: string): Split {
  const split = splits.find((candidate) => candidate.name === name);
  if (!split) {
    throw new ConfigError(`task ${taskId} has no split "${name}"; its splits are: ${splits.map((candidate) => candidate.name).join(', ')}`, true);
  }
  return split;
}

/**
 * Checks that every file a split reads is present before streaming starts, so a half-downloaded
 * dataset fails with the file it lacks rather than after yielding part of a run.
 * Returns the absolute paths, or undefined when something is missing (collecting mode).
 */
export async function locateSplitFiles(taskId: string, split: SplitInfo, dataDir: string, sink: ProblemSink): Promise<string[] | undefined> {
  const located: string[] = [];
  let complete = true;
  for (const name of split.files) {
    const file = resolveInside(dataDir, name, { file: path.join(dataDir, name), field: 'split files' });
    const problem = await describeMissing(file);
    if (problem) {
      sink.report({ file, message: `${taskId} split "${split.name}" needs this file, but it ${problem}` });
      complete = false;
    }
    located.push(file);
  }
  return complete ? located : undefined;
}

async function describeMissing(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? undefined : 'is not a regular file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(error)})`;
  }
}

/** A split read from one file: the split, where its file is, the resolved data root, and the sink its problems go to. */
export interface OpenedSplit<Split = { name: string; file: string; hasAnswers?: boolean }> {
  split: Split;
  file: string;
  dataDir: string;
  sink: ProblemSink;
}

/**
 * The split `options.split` of a task whose splits are one file each, located under the data root;
 * undefined when the file is missing and the sink collects problems (`data check`).
 */
export async function openSingleFileSplit<Split extends { name: string; file: string; hasAnswers?: boolean }>(
  taskId: string,
  splits: readonly Split[],
  options: { dataDir: string; split: string; onProblem?: (problem: DataProblem) => void },
): Promise<OpenedSplit<Split> | undefined> {
  const split = findSplit(taskId, splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const files = await locateSplitFiles(taskId, { name: split.name, hasAnswers: split.hasAnswers ?? true, files: [split.file] }, dataDir, sink);
  return files ? { split, file: files[0]!, dataDir, sink } : undefined;
}
