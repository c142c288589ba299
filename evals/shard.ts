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

/** The environment variables `--shard auto` reads; the shard count of an Indexed Job comes from `--shards` or EMU_EVAL_SHARDS. */
export const SHARD_COUNT_ENV = 'EMU_EVAL_SHARDS';

/**
 * `--shard auto`: the shard from the scheduler that started this worker, so one job script serves every
 * worker. The result is an ordinary Shard, recorded in run.json like `--shard i/n`: the run id and the
 * merge are the same as when each worker had been given its `i/n` by hand.
 *
 * - Slurm job arrays (`sbatch --array=1-8`): SLURM_ARRAY_TASK_ID, counted from SLURM_ARRAY_TASK_MIN in
 *   steps of SLURM_ARRAY_TASK_STEP, of SLURM_ARRAY_TASK_COUNT tasks. An array with gaps (`--array=0,3,7`)
 *   has no step that maps its ids onto 0..n-1 and is refused.
 * - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX (0-based); the completions count is not in the pod's
 *   environment, so it comes from `shards` (`--shards N`) or EMU_EVAL_SHARDS.
 */
export function resolveAutoShard(env: Readonly<Record<string, string | undefined>>, shards?: number): Shard {
  if (env.SLURM_ARRAY_TASK_ID !== undefined) return slurmShard(env);
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = wholeNumber(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
    const count = shards ?? (env[SHARD_COUNT_ENV] !== undefined ? wholeNumber(env[SHARD_COUNT_ENV]!, SHARD_COUNT_ENV) : undefined);
    if (count === undefined) {
      throw new ConfigError(`--shard auto in a Kubernetes Indexed Job needs the number of completions: --shards N or ${SHARD_COUNT_ENV}=N`, true);
    }
    return checked(index, count, `JOB_COMPLETION_INDEX=${index} with ${count} shards`);
  }
  throw new ConfigError(
    `--shard auto reads the shard from a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX), and neither is set; give --shard i/n instead`,
    true,
  );
}

function slurmShard(env: Readonly<Record<string, string | undefined>>): Shard {
  const id = wholeNumber(env.SLURM_ARRAY_TASK_ID!, 'SLURM_ARRAY_TASK_ID');
  for (const name of ['SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX']) {
    if (env[name] === undefined) throw new ConfigError(`--shard auto: SLURM_ARRAY_TASK_ID is set but ${name} is not (Slurm older than 17.02?); give --shard i/n instead`, true);
  }
  const count = wholeNumber(env.SLURM_ARRAY_TASK_COUNT!, 'SLURM_ARRAY_TASK_COUNT');
  const min = wholeNumber(env.SLURM_ARRAY_TASK_MIN!, 'SLURM_ARRAY_TASK_MIN');
  const max = wholeNumber(env.SLURM_ARRAY_TASK_MAX!, 'SLURM_ARRAY_TASK_MAX');
  const step = env.SLURM_ARRAY_TASK_STEP !== undefined ? wholeNumber(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP') : 1;
  const array = `the array ${min}-${max}${step === 1 ? '' : `:${step}`} of ${count} tasks`;
  // An id list with gaps (--array=0,3,7) reports a min, max and count no single step joins: the ids
  // would not map onto 0..count-1, and a shard would silently be left out.
  if (step < 1 || (max - min) % step !== 0 || (max - min) / step + 1 !== count) {
    throw new ConfigError(`--shard auto: ${array} is not evenly spaced (submit --array=0-${count - 1}, or give --shard i/n)`, true);
  }
  if (id < min || id > max || (id - min) % step !== 0) throw new ConfigError(`--shard auto: SLURM_ARRAY_TASK_ID=${id} is not in ${array}`, true);
  return checked((id - min) / step, count, `SLURM_ARRAY_TASK_ID=${id} in ${array}`);
}

function wholeNumber(text: string, name: string): number {
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`--shard auto: ${name} should be a whole number, found "${text}"`, true);
  return Number(text);
}

function checked(index: number, count: number, source: string): Shard {
  if (count < 1 || index >= count) throw new ConfigError(`--shard auto: ${source} is not a shard i of n with 0 <= i < n`, true);
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
