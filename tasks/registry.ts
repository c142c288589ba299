import { sourcePath } from '../core/package-root.js';
import { ConfigError } from '../core/errors.js';
import { activitynetQa } from './activitynet-qa.js';
import { gqa } from './gqa.js';
import { msrvttQa } from './msrvtt-qa.js';
import { msvdQa } from './msvd-qa.js';
import { okvqa } from './okvqa.js';
import { textvqa } from './textvqa.js';
import type { TaskAdapter } from '../core/contracts/task.js';
import { vizwiz } from './vizwiz.js';
import { vqav2 } from './vqav2.js';

export const tasks = {
  vqav2,
  okvqa,
  vizwiz,
  textvqa,
  gqa,
  'msvd-qa': msvdQa,
  'msrvtt-qa': msrvttQa,
  'activitynet-qa': activitynetQa,
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

/** Absolute path of a task's bundled synthetic sample, found in the checkout so it works from any working folder. */
export function bundledDataDir(task: TaskAdapter): string {
  return sourcePath('tasks', 'samples', 'data', task.sampleFolder);
}
