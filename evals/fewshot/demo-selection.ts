import { buildQuerySets, drawRandomDemos } from './random-demos.js';
import type { RunConfig } from '../../artifact/schema.js';
import type { PlannedTask } from '../plan.js';
import { demoPool, type DemoSelector, type SelectorContext } from './demo-selector.js';

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

export async function createDemoSelector(task: PlannedTask, config: RunConfig, context: SelectorContext): Promise<DemoSelector> {
  if (config.demos === 'rices') {
    const { createRicesSelector } = await import('./rices-selector.js');
    return createRicesSelector(task, config, context);
  }
  return createRandomSelector(task, config.seeds);
}
