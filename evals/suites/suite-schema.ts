import { z } from 'zod';
import { getPreset, presets, supportsFewShot } from '../../tasks/prompts/presets.js';
import { isVideoTask, taskIds } from '../../tasks/registry.js';

// A suite names the task × shots × protocol × limit × seeds combinations a team evaluates together
// (nightly, the paper's tables). Each entry is one set of evaluate() options; the model and data come
// from the command line, so one suite serves every checkpoint.

const kebabName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a kebab-case name (lower-case letters, digits, -)');

export const suiteEntrySchema = z.strictObject({
  /** Names the entry's run directory inside a suite run, and pairs entries between two suite runs. */
  name: kebabName,
  description: z.string().optional(),
  tasks: z.array(z.string().min(1)).min(1),
  protocol: z.string(),
  shots: z.array(z.number().int().nonnegative()).min(1).default([0]),
  /** One trial per seed for random few-shot demonstrations. */
  seeds: z.array(z.number().int()).min(1).optional(),
  /** The first N samples of each task: nightly suites keep a fixed, fast subset. */
  limit: z.number().int().positive().optional(),
  split: z.string().optional(),
  demos: z.enum(['random', 'rices']).optional(),
  /** Video tasks: frames per video and how they are picked. */
  frames: z.number().int().positive().optional(),
  frameSampler: z.enum(['uniform', 'interior', 'midpoint']).optional(),
});

export type SuiteEntry = z.infer<typeof suiteEntrySchema>;

/**
 * Checks that need the registries: done when a suite is loaded, not when this module is imported, so
 * a suite naming a task that is registered later (video tasks arrived after the suites) loads as soon
 * as the task exists, and a typo names the entry and position.
 */
function checkEntry(entry: SuiteEntry, context: z.RefinementCtx, index: number): void {
  const at = (...path: Array<string | number>) => ['entries', index, ...path];
  const known = taskIds();
  entry.tasks.forEach((task, position) => {
    if (!known.includes(task)) context.addIssue({ code: 'custom', path: at('tasks', position), message: `unknown task "${task}"; registered tasks: ${known.join(', ')}` });
    else if (entry.tasks.indexOf(task) !== position) context.addIssue({ code: 'custom', path: at('tasks', position), message: `task "${task}" is listed twice` });
  });
  if (!Object.hasOwn(presets, entry.protocol)) {
    context.addIssue({ code: 'custom', path: at('protocol'), message: `unknown protocol "${entry.protocol}"; presets: ${Object.keys(presets).join(', ')}` });
    return;
  }
  const fewShot = entry.shots.some((count) => count > 0);
  if (fewShot && !supportsFewShot(getPreset(entry.protocol))) {
    context.addIssue({ code: 'custom', path: at('shots'), message: `protocol ${entry.protocol} is zero-shot only; few-shot needs emu2 or flamingo` });
  }
  if (new Set(entry.shots).size !== entry.shots.length) context.addIssue({ code: 'custom', path: at('shots'), message: 'a shot count is listed twice' });
  if (entry.seeds && new Set(entry.seeds).size !== entry.seeds.length) context.addIssue({ code: 'custom', path: at('seeds'), message: 'each trial needs a different seed' });
  if (entry.demos && !fewShot) context.addIssue({ code: 'custom', path: at('demos'), message: 'demonstration selection needs a shot count above 0' });
  const video = entry.tasks.some(isVideoTask);
  for (const key of ['frames', 'frameSampler'] as const) {
    if (entry[key] !== undefined && !video) context.addIssue({ code: 'custom', path: at(key), message: `${key} applies to video tasks, and this entry has none` });
  }
}

export const suiteSchema = z
  .strictObject({
    /** Names the history series together with the model label. */
    name: kebabName,
    description: z.string(),
    entries: z.array(suiteEntrySchema).min(1),
  })
  .superRefine((suite, context) => {
    const seen = new Set<string>();
    suite.entries.forEach((entry, index) => {
      if (seen.has(entry.name)) context.addIssue({ code: 'custom', path: ['entries', index, 'name'], message: `entry name "${entry.name}" is used twice; names must be unique within a suite` });
      seen.add(entry.name);
      checkEntry(entry, context, index);
    });
  });

export type SuiteDefinition = z.infer<typeof suiteSchema>;

export interface Suite extends SuiteDefinition {
  /** Absolute path of the YAML file it was read from. */
  file: string;
  /** Content hash of the validated definition: two suite runs with the same hash ran the same settings. */
  hash: string;
}
