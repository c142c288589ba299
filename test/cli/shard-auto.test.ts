// `--shard auto` on a Slurm job array or a Kubernetes Indexed Job: the same shard, run id and merge as
// `--shard i/n` given by hand; and `merge` expanding a glob the shell left quoted.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { expandGlob, expandGlobArguments } from '../../core/path-glob.js';
import { resolveAutoShard } from '../../evals/shard.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

const slurm = (id: number, min: number, max: number, count: number, step?: number) => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
  SLURM_ARRAY_TASK_COUNT: String(count),
  ...(step === undefined ? {} : { SLURM_ARRAY_TASK_STEP: String(step) }),
});

test('a Slurm array 1-8 is shards 0..7 of 8; a step maps onto consecutive shards', () => {
  for (let id = 1; id <= 8; id += 1) assert.deepEqual(resolveAutoShard(slurm(id, 1, 8, 8, 1)), { index: id - 1, count: 8 });
  assert.deepEqual(resolveAutoShard(slurm(0, 0, 3, 4)), { index: 0, count: 4 });
  // --array=1-7:2 → ids 1, 3, 5, 7
  assert.deepEqual(resolveAutoShard(slurm(5, 1, 7, 4, 2)), { index: 2, count: 4 });
});

test('a Slurm array whose ids do not map onto 0..n-1 is refused, naming the array', () => {
  // --array=0,3,7: three tasks, no step joins them
  assert.throws(() => resolveAutoShard(slurm(3, 0, 7, 3)), (error: Error & { usage?: boolean }) => /0-7 of 3 tasks is not evenly spaced/.test(error.message) && error.usage === true);
  assert.throws(() => resolveAutoShard(slurm(4, 1, 7, 4, 2)), /SLURM_ARRAY_TASK_ID=4 is not in the array 1-7:2/);
  assert.throws(() => resolveAutoShard({ SLURM_ARRAY_TASK_ID: '2' }), /SLURM_ARRAY_TASK_COUNT is not/);
});

test('a Kubernetes Indexed Job takes the count from --shards, else EMU_EVAL_SHARDS', () => {
  assert.deepEqual(resolveAutoShard({ JOB_COMPLETION_INDEX: '3' }, 8), { index: 3, count: 8 });
  assert.deepEqual(resolveAutoShard({ JOB_COMPLETION_INDEX: '3', EMU_EVAL_SHARDS: '4' }), { index: 3, count: 4 });
  assert.deepEqual(resolveAutoShard({ JOB_COMPLETION_INDEX: '3', EMU_EVAL_SHARDS: '4' }, 6), { index: 3, count: 6 });
  assert.throws(() => resolveAutoShard({ JOB_COMPLETION_INDEX: '3' }), /--shards N or EMU_EVAL_SHARDS=N/);
  assert.throws(() => resolveAutoShard({ JOB_COMPLETION_INDEX: '4' }, 4), /JOB_COMPLETION_INDEX=4 with 4 shards/);
});

test('--shard auto outside a scheduler is a usage error naming both', async () => {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith('SLURM_ARRAY_') || name === 'JOB_COMPLETION_INDEX') delete process.env[name];
  try {
    const result = await runCli(['run', 'vqav2', '--shard', 'auto', '--quiet']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /SLURM_ARRAY_TASK_ID.*JOB_COMPLETION_INDEX/);
    assert.equal((await runCli(['run', 'vqav2', '--shard', '0/2', '--shards', '2', '--quiet'])).code, 2);
  } finally {
    process.env = saved;
  }
});

test('--shard auto names the run as --shard i/n does, and merge expands a quoted glob of the shards', async () => {
  const work = temporaryFolder();
  const predictions = path.join(work, 'predictions.json');
  await writeGoldPredictions('vqav2', predictions);
  const base = ['run', 'vqav2', '--model', `replay:${predictions}`, '--json', '--quiet'];
  const runDirectory = async (args: string[]) => {
    const result = await runCli([...base, ...args]);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { runDirectory: string }).runDirectory;
  };
  const saved = { ...process.env };
  try {
    for (let id = 1; id <= 3; id += 1) {
      Object.assign(process.env, slurm(id, 1, 3, 3, 1));
      const auto = await runDirectory(['--shard', 'auto', '--out', path.join(work, 'shards')]);
      const byHand = await runDirectory(['--shard', `${id - 1}/3`, '--out', path.join(work, 'by-hand')]);
      assert.equal(path.basename(auto), path.basename(byHand));
    }
  } finally {
    process.env = saved;
  }
  const whole = await runDirectory(['--out', path.join(work, 'whole')]);
  const merged = await runCli(['merge', path.join(work, 'shards', '*'), '--out', path.join(work, 'merged'), '--json', '--quiet']);
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal(path.basename((JSON.parse(merged.stdout) as { runDirectory: string }).runDirectory), path.basename(whole));
});

test('glob expansion: *, ? and [..] within segments, natural order, unmatched patterns kept for the error', () => {
  const work = temporaryFolder();
  for (const name of ['shard-10', 'shard-2', 'shard-1', 'other', '.shard-hidden']) mkdirSync(path.join(work, 'runs', name), { recursive: true });
  assert.deepEqual(expandGlob(path.join(work, 'runs', 'shard-*')).map((file) => path.basename(file)), ['shard-1', 'shard-2', 'shard-10']);
  assert.deepEqual(expandGlob(path.join(work, 'runs', 'shard-?')).map((file) => path.basename(file)), ['shard-1', 'shard-2']);
  assert.deepEqual(expandGlob(path.join(work, 'r*', 'shard-[!1]')).map((file) => path.basename(file)), ['shard-2']);
  const missing = path.join(work, 'runs', 'nothing-*');
  assert.deepEqual(expandGlobArguments([missing, path.join(work, 'runs', 'other')]), [missing, path.join(work, 'runs', 'other')]);
  assert.ok(existsSync(path.join(work, 'runs', 'other')) && readdirSync(path.join(work, 'runs')).length === 5);
});
