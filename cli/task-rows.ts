import path from 'node:path';
import { countSamples } from '../tasks/data-check.js';
import { bundledDataDir, tasks } from '../tasks/registry.js';
import type { TaskRow } from './task-listing.js';

/**
 * What `emu-eval tasks` shows of every task, its samples counted by reading each split. `given` is the
 * command's --data values: DIR for every task, task=DIR for one; the bundled samples otherwise. This
 * loads every task adapter and its readers: the command reads the listing written at build time
 * instead when it can (cli/task-listing.ts).
 */
export async function taskRows(given: readonly string[]): Promise<TaskRow[]> {
  const perTask = new Map(given.filter((value) => value.includes('=')).map((value) => [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)]));
  const shared = given.find((value) => !value.includes('='));
  const rows: TaskRow[] = [];
  for (const task of Object.values(tasks)) {
    const userDir = perTask.get(task.id) ?? shared;
    const dataDir = userDir ? path.resolve(userDir) : bundledDataDir(task);
    const splits = [];
    for (const split of task.splits) {
      splits.push({ name: split.name, hasAnswers: split.hasAnswers, samples: await countSamples(task, dataDir, split.name).catch(() => null) });
    }
    rows.push({
      id: task.id,
      version: task.version,
      modality: task.modality,
      metric: task.metric,
      defaultSplit: task.defaultSplit,
      description: task.description,
      data: { source: userDir ? 'user' : 'bundled-sample', dir: dataDir, found: splits.some((split) => split.samples !== null) },
      splits,
    });
  }
  return rows;
}
