import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

function records(runDirectory: string) {
  return readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

test('--shots 0,4,8 writes metrics per shot count, with trials and their mean ± std', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  await writeGoldPredictions('okvqa', predictions);
  const { code, stdout } = await runCli(['run', 'okvqa', '--model', `replay:${predictions}`, '--shots', '0,4,8', '--seeds', '5,6', '--out', out, '--json']);
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  // 0-shot is deterministic (one trial); 4 and 8 shots run one trial per seed.
  assert.deepEqual(result.metrics.map((entry: { shots: number; trial: number }) => `${entry.shots}/${entry.trial}`), ['0/0', '4/0', '4/1', '8/0', '8/1']);
  const metrics = JSON.parse(readFileSync(path.join(result.runDirectory, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.trialSummaries.map((summary: { shots: number; seeds: number[] }) => [summary.shots, summary.seeds]), [[4, [5, 6]], [8, [5, 6]]]);
  const run = JSON.parse(readFileSync(path.join(result.runDirectory, 'run.json'), 'utf8'));
  assert.equal(run.config.demos, 'random');
  for (const record of records(result.runDirectory)) assert.equal(record.demoIds.length, record.shots);
});

test("flamingo's 0* shows two demonstrations; emu2's 0-shot none; both recorded in run.json", async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  await writeGoldPredictions('vqav2', predictions);
  const flamingo = JSON.parse((await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--protocol', 'flamingo', '--out', out, '--json'])).stdout);
  const run = JSON.parse(readFileSync(path.join(flamingo.runDirectory, 'run.json'), 'utf8'));
  assert.equal(run.protocol.zeroShotStyle, 'text-two-shot');
  assert.equal(run.protocol.numBeams, 3);
  for (const record of records(flamingo.runDirectory)) assert.equal(record.demoIds.length, 2);
  const emu2 = JSON.parse((await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--protocol', 'emu2', '--out', out, '--json'])).stdout);
  assert.equal(JSON.parse(readFileSync(path.join(emu2.runDirectory, 'run.json'), 'utf8')).protocol.zeroShotStyle, 'true-zero-shot');
  for (const record of records(emu2.runDirectory)) assert.equal(record.demoIds.length, 0);
});

test('zero-shot-only presets refuse --shots, with a usage error', async () => {
  const result = await runCli(['run', 'vqav2', '--protocol', 'emu2-chat', '--shots', '4', '--model', 'replay:x.json']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /zero-shot only/);
});

test('a few-shot RICES run through tiny-emu: four retrieved demonstrations per sample, images interleaved', { timeout: 120_000 }, async () => {
  const out = temporaryFolder();
  const { code, stdout, stderr } = await runCli(['run', 'vqav2', '--shots', '4', '--demos', 'rices', '--limit', '6', '--out', out, '--json']);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.metrics[0].all.n, 6);
  const trainIds = new Set<string>();
  for (const record of records(result.runDirectory)) {
    assert.equal(record.demoIds.length, 4);
    assert.equal(record.finishReason === 'error', false, record.error);
    for (const id of record.demoIds) trainIds.add(id);
  }
  assert.ok(trainIds.size >= 4);
});

test('demonstrations that overflow the context are dropped least relevant first, and counted', { timeout: 120_000 }, async () => {
  const out = temporaryFolder();
  const { code, stdout, stderr } = await runCli(['run', 'vqav2', '--shots', '32', '--limit', '2', '--out', out, '--json']);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  for (const record of records(result.runDirectory)) {
    assert.equal(record.finishReason === 'error', false, record.error);
    assert.ok(record.demosDropped > 0, `dropped ${record.demosDropped}`);
    assert.equal(record.demoIds.length + record.demosDropped, 32);
  }
});
