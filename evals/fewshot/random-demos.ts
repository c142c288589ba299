import type { Sample } from '../../core/contracts/task.js';
import { drawIndices, randomFor } from './seeded-draw.js';

/** open_flamingo's query set: 2048 training examples drawn once per seed; every test sample draws from it. */
export const QUERY_SET_SIZE = 2048;

/**
 * Reservoir sampling as the training split streams past, so a 443k-question training file never has
 * to sit in memory whole. A query set depends only on its seed and the file's content.
 */
export async function buildQuerySets(pool: AsyncIterable<Sample>, seeds: readonly number[], size = QUERY_SET_SIZE): Promise<Map<number, Sample[]>> {
  const states = seeds.map((seed) => ({ seed, random: randomFor(seed, 'query-set'), reservoir: [] as Sample[] }));
  let seen = 0;
  for await (const sample of pool) {
    for (const state of states) {
      if (state.reservoir.length < size) state.reservoir.push(sample);
      else {
        const slot = Math.floor(state.random() * (seen + 1));
        if (slot < size) state.reservoir[slot] = sample;
      }
    }
    seen += 1;
  }
  return new Map(states.map((state) => [state.seed, state.reservoir]));
}

/** The k demonstrations of one test sample: a function of (seed, sample id) alone. */
export function drawRandomDemos(querySet: readonly Sample[], k: number, seed: number, sampleId: string): Sample[] {
  return drawIndices(querySet.length, k, randomFor(seed, `demos:${sampleId}`)).map((index) => querySet[index]!);
}
