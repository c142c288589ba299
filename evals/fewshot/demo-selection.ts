import { ConfigError } from '../../core/errors.js';
import { buildQuerySets, drawRandomDemos } from './random-demos.js';
import type { Sample } from '../../core/contracts/task.js';
import type { RunConfig } from '../../artifact/schema.js';
import type { RunnerOptions } from '../../core/contracts/runner.js';
import type { EngineEvent } from '../events.js';
import type { PlannedTask, SelectionOptions } from '../plan.js';

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

/** open_flamingo's random protocol, made independent of shards and workers (docs/protocols.md#random-demonstrations). */
export async function createRandomSelector(task: PlannedTask, seeds: number[]): Promise<DemoSelector> {
  const querySets = await buildQuerySets(demoPool(task), seeds);
  return {
    kind: 'random',
    select(sample, count, seed) {
      const querySet = querySets.get(seed);
      if (!querySet) throw new Error(`no query set was drawn for seed ${seed}`);
      return drawRandomDemos(querySet, count, seed, sample.id);
    },
  };
}

export interface SelectorContext {
  model: string;
  runnerOptions?: RunnerOptions;
  selection: SelectionOptions;
  emit: (event: EngineEvent) => void;
}

export async function createDemoSelector(task: PlannedTask, config: RunConfig, context: SelectorContext): Promise<DemoSelector> {
  if (config.demos === 'rices') {
    const { createRicesSelector } = await import('./rices-selector.js');
    return createRicesSelector(task, config, context);
  }
  return createRandomSelector(task, config.seeds);
}
