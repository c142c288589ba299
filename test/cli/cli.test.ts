import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

test('tasks --json lists every task with its bundled data found', async () => {
  const { code, stdout } = await runCli(['tasks', '--json']);
  assert.equal(code, 0);
  const { tasks } = JSON.parse(stdout) as { tasks: Array<{ id: string; version: number; data: { found: boolean }; splits: Array<{ samples: number | null }> }> };
  const ids = tasks.map((task) => task.id);
  for (const id of ['vqav2', 'okvqa', 'vizwiz', 'textvqa', 'gqa']) assert.ok(ids.includes(id), id);
  for (const task of tasks) {
    assert.ok(task.version >= 1);
    assert.ok(task.data.found, `${task.id} bundled data found`);
    assert.ok(task.splits.some((split) => (split.samples ?? 0) > 0));
  }
});

test('run --json prints one JSON object on stdout and writes the run artifact', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  const count = await writeGoldPredictions('vqav2', predictions);
  const { code, stdout, stderr } = await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--extraction', 'raw', '--out', out, '--json']);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const result = JSON.parse(lines[0]!) as { runDirectory: string; metrics: Array<{ all: { value: number; n: number } }> };
  assert.equal(result.metrics[0]!.all.n, count);
  assert.equal(result.metrics[0]!.all.value, 100);
  assert.match(stderr, /bundled SYNTHETIC sample/);
  for (const file of ['run.json', 'samples.jsonl', 'metrics.json']) assert.ok(existsSync(path.join(result.runDirectory, file)), file);
  const run = JSON.parse(readFileSync(path.join(result.runDirectory, 'run.json'), 'utf8'));
  assert.equal(run.status, 'finished');
  assert.equal(run.tasks[0].bundledSample, true);
  assert.match(run.tasks[0].fingerprint, /^[0-9a-f]{16}$/);
});

test('rerunning a finished command reuses its directory and counts nothing twice', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  await writeGoldPredictions('okvqa', predictions, { wrongEvery: 3 });
  const first = await runCli(['run', 'okvqa', '--model', `replay:${predictions}`, '--out', out, '--json']);
  const second = await runCli(['run', 'okvqa', '--model', `replay:${predictions}`, '--out', out, '--json']);
  const a = JSON.parse(first.stdout);
  const b = JSON.parse(second.stdout);
  assert.equal(a.runDirectory, b.runDirectory);
  assert.equal(b.resumed, true);
  assert.deepEqual(b.metrics[0].all, a.metrics[0].all);
  const lines = readFileSync(path.join(a.runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, a.metrics[0].all.n);
});

test('score re-scores official results on a folder laid out like the VQAv2 download, without images', async () => {
  const data = temporaryFolder();
  const source = bundledDataDir(getTask('vqav2'));
  for (const entry of readdirSync(source)) if (entry.endsWith('.json')) cpSync(path.join(source, entry), path.join(data, entry));
  const predictions = path.join(data, 'results.json');
  await writeGoldPredictions('vqav2', predictions, { wrongEvery: 4 });
  const out = temporaryFolder();
  const { code, stdout, stderr } = await runCli(['score', 'vqav2', '--predictions', predictions, '--data', data, '--out', out]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /vqav2/);
  assert.match(stdout, /run directory: /);
  assert.doesNotMatch(stderr, /SYNTHETIC/);
  const runDirectory = /run directory: (.+)/.exec(stdout)![1]!.trim();
  const metrics = JSON.parse(readFileSync(path.join(runDirectory, 'metrics.json'), 'utf8'));
  assert.ok(metrics.results[0].all.value < 100 && metrics.results[0].all.value > 50);
  assert.ok(metrics.results[0].official.overall > 0);
  rmSync(data, { recursive: true });
});

test('missing predictions are error samples: counted in ALL, excluded from VALID', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'partial.json');
  const all = JSON.parse((await writeGoldPredictions('vqav2', predictions), readFileSync(predictions, 'utf8')));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(predictions, JSON.stringify(all.slice(0, all.length - 5)));
  const { code, stdout, stderr } = await runCli(['score', 'vqav2', '--predictions', predictions, '--out', out, '--json']);
  assert.equal(code, 0);
  assert.match(stderr, /5 question\(s\) had no prediction/);
  const result = JSON.parse(stdout).metrics[0];
  assert.equal(result.all.nErrors, 5);
  assert.equal(result.valid.n, all.length - 5);
  assert.equal(result.valid.value, 100);
  assert.ok(result.all.value < 100);
});

test('a split without answers writes the EvalAI submission file', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'testdev.json');
  const task = getTask('vqav2');
  const split = task.splits.find((candidate) => !candidate.hasAnswers)!.name;
  const count = await writeGoldPredictions('vqav2', predictions, { split });
  const { code, stdout } = await runCli(['run', 'vqav2', '--split', split, '--model', `replay:${predictions}`, '--out', out, '--json']);
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  const submission = JSON.parse(readFileSync(path.join(result.runDirectory, result.metrics[0].submission), 'utf8'));
  assert.equal(submission.length, count);
  assert.equal(typeof submission[0].question_id, 'number');
  assert.equal(typeof submission[0].answer, 'string');
});

test('exit codes: usage errors 2, other errors 1, help 0', async () => {
  assert.equal((await runCli([])).code, 2);
  assert.equal((await runCli(['run', 'not-a-task'])).code, 2);
  assert.equal((await runCli(['run', 'vqav2', '--limit', '0'])).code, 2);
  assert.equal((await runCli(['run', 'vqav2', '--shard', '3/3'])).code, 2);
  assert.equal((await runCli(['run', 'vqav2', '--model', 'nonsense:x'])).code, 2);
  const missing = await runCli(['score', 'vqav2', '--predictions', '/nonexistent/results.json', '--out', temporaryFolder()]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not found/);
  const help = await runCli(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--model/);
});

test('a different configuration in the same run directory is refused, naming what differs', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  await writeGoldPredictions('vqav2', predictions);
  await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--out', out, '--run-id', 'same', '--json']);
  const second = await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--out', out, '--run-id', 'same', '--normalize', 'always']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /differs in: normalize/);
});

test('--retry-errors attempts again only the samples that errored', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  await writeGoldPredictions('vqav2', predictions);
  const { writeFileSync } = await import('node:fs');
  const full = readFileSync(predictions, 'utf8');
  writeFileSync(predictions, JSON.stringify(JSON.parse(full).slice(3)));
  const args = ['run', 'vqav2', '--model', `replay:${predictions}`, '--out', out, '--run-id', 'retry', '--json'];
  const first = JSON.parse((await runCli(args)).stdout);
  assert.equal(first.metrics[0].all.nErrors, 3);
  writeFileSync(predictions, full);
  const retried = await runCli([...args, '--retry-errors']);
  const second = JSON.parse(retried.stdout);
  assert.match(retried.stderr, /3 error sample\(s\) will be attempted again/);
  assert.equal(second.metrics[0].all.nErrors, 0);
  assert.equal(second.metrics[0].all.value, 100);
  const lines = readFileSync(path.join(first.runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, first.metrics[0].all.n);
});
