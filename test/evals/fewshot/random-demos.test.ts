import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildQuerySets, drawRandomDemos } from '../../../evals/fewshot/random-demos.js';
import type { Sample } from '../../../core/contracts/task.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../../helpers/cli.js';

function pool(count: number): Sample[] {
  return Array.from({ length: count }, (_, index) => ({ id: `train-${index}`, question: `q${index}`, answers: [`a${index}`], media: [], meta: {} }));
}

async function* stream(samples: Sample[]) {
  yield* samples;
}

test('query sets hold 2048 examples, differ by seed, and are reproducible', async () => {
  const samples = pool(5000);
  const first = await buildQuerySets(stream(samples), [0, 1]);
  const again = await buildQuerySets(stream(samples), [1]);
  assert.equal(first.get(0)!.length, 2048);
  assert.deepEqual(first.get(1)!.map((sample) => sample.id), again.get(1)!.map((sample) => sample.id));
  assert.notDeepEqual(first.get(0)!.map((sample) => sample.id), first.get(1)!.map((sample) => sample.id));
  const small = await buildQuerySets(stream(pool(40)), [0]);
  assert.equal(small.get(0)!.length, 40);
});

test('a sample draws k distinct demos that depend only on (seed, sample id)', () => {
  const querySet = pool(100);
  const a = drawRandomDemos(querySet, 8, 3, '262148000');
  const b = drawRandomDemos(querySet, 8, 3, '262148000');
  assert.deepEqual(a, b);
  assert.equal(new Set(a.map((sample) => sample.id)).size, 8);
  assert.notDeepEqual(drawRandomDemos(querySet, 8, 4, '262148000'), a);
  assert.notDeepEqual(drawRandomDemos(querySet, 8, 3, '262148001'), a);
  assert.equal(drawRandomDemos(pool(3), 8, 0, 'x').length, 3);
});

function demoIdsBySample(runDirectory: string): Map<string, string> {
  const lines = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  return new Map(lines.map((record) => [`${record.sampleId}/${record.shots}/${record.trial}`, record.demoIds.join(',')]));
}

test('random demos are identical with one shard or two, and with any batch size', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  await writeGoldPredictions('vqav2', predictions);
  const base = ['run', 'vqav2', '--model', `replay:${predictions}`, '--shots', '4', '--trials', '2', '--out', out, '--json'];
  const whole = JSON.parse((await runCli([...base, '--shard', '0/1'])).stdout).runDirectory;
  const shardA = JSON.parse((await runCli([...base, '--shard', '0/2', '--batch-size', '1'])).stdout).runDirectory;
  const shardB = JSON.parse((await runCli([...base, '--shard', '1/2', '--batch-size', '7'])).stdout).runDirectory;
  const expected = demoIdsBySample(whole);
  const combined = new Map([...demoIdsBySample(shardA), ...demoIdsBySample(shardB)]);
  assert.equal(expected.size, 80);
  assert.deepEqual(new Map([...combined].sort()), new Map([...expected].sort()));
  for (const ids of expected.values()) assert.equal(ids.split(',').length, 4);
});
