import { createHash } from 'node:crypto';
import { seededRandom } from '../../core/random.js';

/**
 * A random stream that depends only on (seed, key): never on the shard, worker or GPU that asks.
 * open_flamingo seeds with seed + rank, which makes its few-shot numbers depend on the GPU count.
 */
export function randomFor(seed: number, key: string): () => number {
  const digest = createHash('sha256').update(`${seed}\u0000${key}`).digest();
  return seededRandom(digest.readUInt32BE(0));
}

/** k distinct indices of [0, n) in draw order (a partial Fisher–Yates shuffle). */
export function drawIndices(n: number, k: number, random: () => number): number[] {
  const count = Math.min(k, n);
  const pool = Array.from({ length: n }, (_, index) => index);
  for (let index = 0; index < count; index += 1) {
    const pick = index + Math.floor(random() * (n - index));
    [pool[index], pool[pick]] = [pool[pick]!, pool[index]!];
  }
  return pool.slice(0, count);
}
