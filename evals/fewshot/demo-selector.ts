import { ConfigError } from '../../core/errors.js';
import type { Sample } from '../../core/contracts/task.js';
import type { RunnerOptions } from '../../core/contracts/runner.js';
import type { EngineEvent } from '../events.js';
import type { PlannedTask, SelectionOptions } from '../plan.js';

// What every way of choosing demonstrations shares: the selector it returns, what it is given, and the pool.

/** Picks demonstrations for one sample, least relevant first: the most relevant sits next to the query. */
export interface DemoSelector {
  kind: 'random' | 'rices';
  select(sample: Sample, count: number, seed: number): Sample[];
}

/** The demonstration pool: the task's training split, read from the same data root. */
export function demoPool(task: PlannedTask): AsyncIterable<Sample> {
  const split = task.adapter.trainSplit;
  if (!split) throw new ConfigError(`${task.record.id} has no training split to draw few-shot demonstrations from`, true);
  return task.adapter.load({ dataDir: task.record.dataDir, split, textOnly: true });
}

export interface SelectorContext {
  model: string;
  runnerOptions?: RunnerOptions;
  selection: SelectionOptions;
  emit: (event: EngineEvent) => void;
}
