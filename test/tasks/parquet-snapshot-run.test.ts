import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';
import { writeVqav2ParquetSnapshot } from '../helpers/parquet-snapshots.js';

// Done when: a Parquet copy of a task gives the same scores as its official files.

function runArtifacts(stdout: string): { metrics: Record<string, unknown>; outputs: Map<string, string> } {
  const { runDirectory } = JSON.parse(stdout) as { runDirectory: string };
  const { runId: _runId, generatedAt: _generatedAt, ...metrics } = JSON.parse(readFileSync(path.join(runDirectory, 'metrics.json'), 'utf8'));
  const records = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  return { metrics, outputs: new Map(records.map((record) => [record.sampleId, record.output])) };
}

test('the bundled VQAv2 sample as an lmms-lab Parquet snapshot: tiny-emu answers every question as from the official files', { timeout: 120_000 }, async () => {
  const snapshot = temporaryFolder();
  writeVqav2ParquetSnapshot(snapshot);
  const official = await runCli(['run', 'vqav2', '--out', temporaryFolder(), '--json', '--quiet']);
  const parquet = await runCli(['run', 'vqav2', '--data', snapshot, '--out', temporaryFolder(), '--json', '--quiet']);
  assert.equal(official.code, 0, official.stderr);
  assert.equal(parquet.code, 0, parquet.stderr);
  const fromFiles = runArtifacts(official.stdout);
  const fromParquet = runArtifacts(parquet.stdout);
  assert.equal(fromParquet.outputs.size, 40);
  // The model saw the same pixels: every generated text is the same (and they differ between images).
  assert.deepEqual(fromParquet.outputs, fromFiles.outputs);
  assert.ok(new Set(fromFiles.outputs.values()).size > 10);
  assert.deepEqual(fromParquet.metrics, fromFiles.metrics);
});

test('replayed answers, a third of them wrong, score the same on the Parquet snapshot: value, CI and breakdowns', { timeout: 60_000 }, async () => {
  const snapshot = temporaryFolder();
  writeVqav2ParquetSnapshot(snapshot, { rowGroupSize: 3 });
  const predictions = path.join(temporaryFolder(), 'answers.json');
  await writeGoldPredictions('vqav2', predictions, { wrongEvery: 3 });
  const args = ['run', 'vqav2', '--model', `replay:${predictions}`, '--json', '--quiet'];
  const official = await runCli([...args, '--out', temporaryFolder()]);
  const parquet = await runCli([...args, '--data', snapshot, '--out', temporaryFolder()]);
  assert.equal(parquet.code, 0, parquet.stderr);
  const fromFiles = runArtifacts(official.stdout);
  const fromParquet = runArtifacts(parquet.stdout);
  assert.deepEqual(fromParquet.metrics, fromFiles.metrics);
  const [result] = (fromParquet.metrics as { results: Array<{ all: { value: number; n: number }; breakdowns: Record<string, unknown> }> }).results;
  assert.equal(result!.all.n, 40);
  assert.ok(result!.all.value > 50 && result!.all.value < 100, String(result!.all.value));
  assert.deepEqual(Object.keys(result!.breakdowns).sort(), ['answerType', 'questionType']);
});
