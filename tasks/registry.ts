import { sourcePath } from '../core/package-root.js';
import { ConfigError } from '../core/errors.js';
import { activitynetQa } from './activitynet-qa.js';
import { gqa } from './gqa.js';
import { hatefulMemes } from './hateful-memes.js';
import { mmmu } from './mmmu.js';
import { mmVet } from './mm-vet.js';
import { mmbench } from './mmbench.js';
import { msrvttQa } from './msrvtt-qa.js';
import { msvdQa } from './msvd-qa.js';
import { okvqa } from './okvqa.js';
import { seedBench } from './seed-bench.js';
import { textvqa } from './textvqa.js';
import type { TaskAdapter } from '../core/contracts/task.js';
import { vizwiz } from './vizwiz.js';
import { vqav2 } from './vqav2.js';

// One line per task: adding a task is its file (docs/adding-a-task.md) and its line here.
export const tasks = {
  vqav2,
  okvqa,
  vizwiz,
  textvqa,
  gqa,
  'hateful-memes': hatefulMemes,
  'msvd-qa': msvdQa,
  'msrvtt-qa': msrvttQa,
  'activitynet-qa': activitynetQa,
  mmmu,
  'mm-vet': mmVet,
  'seed-bench': seedBench,
  mmbench,
} satisfies Record<string, TaskAdapter>;

export function taskIds(): string[] {
  return Object.keys(tasks);
}

export function getTask(id: string): TaskAdapter {
  const task = (tasks as Record<string, TaskAdapter>)[id];
  if (!Object.hasOwn(tasks, id) || !task) {
    throw new ConfigError(`unknown task "${id}"; known tasks: ${taskIds().join(', ')}`, true);
  }
  return task;
}

/** Whether a registered task is a video task (frame sampling applies to it); false for unknown ids. */
export function isVideoTask(id: string): boolean {
  return Object.hasOwn(tasks, id) && (tasks as Record<string, TaskAdapter>)[id]!.modality === 'video';
}

/**
 * Absolute path of a task's bundled synthetic sample, found in the checkout so it works from any
 * working folder. A task without one needs --data: the ConfigError says so.
 */
export function bundledDataDir(task: TaskAdapter): string {
  if (task.sampleFolder === undefined) {
    throw new ConfigError(`${task.id} has no bundled sample; give its dataset folder with --data`, true);
  }
  return sourcePath('tasks', 'samples', 'data', task.sampleFolder);
}

/** The benchmark name of a task id or a benchmark name, in any case (vqav2 → VQAv2); undefined when unknown. */
export function benchmarkNameOf(taskOrBenchmark: string): string | undefined {
  const lower = taskOrBenchmark.toLowerCase();
  const all = Object.values(tasks as Record<string, TaskAdapter>);
  return (all.find((task) => task.id === lower) ?? all.find((task) => task.benchmark.toLowerCase() === lower))?.benchmark;
}
