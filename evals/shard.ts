import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';

export interface Shard {
  index: number;
  count: number;
}

/** `--shard i/n`: 0-based index i of n shards. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new ConfigError(`--shard takes i/n (e.g. 0/4), found "${text}"`, true);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) throw new ConfigError(`--shard ${text}: need 0 <= i < n`, true);
  return { index, count };
}

/**
 * Membership depends only on the sample id, so shards are disjoint, cover everything, and do not move
 * when the dataset order, the worker count or the machine changes.
 */
export function shardOf(sampleId: string, count: number): number {
  if (count === 1) return 0;
  const digest = createHash('sha1').update(sampleId).digest();
  return digest.readUInt32BE(0) % count;
}

export function inShard(sampleId: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(sampleId, shard.count) === shard.index;
}
