// Sharding across machines: `run --shard i/n` on each machine, then `emu-eval merge` gives a run equal
// to the unsharded one (n = 1, 3, 7; zero- and few-shot); shards that do not belong together —
// overlapping, from another configuration or dataset, a different n, given twice, missing or
// unfinished — are refused with the reason, and a partial merge resumes into the full run.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, writeGoldPredictions } from '../helpers/cli.js';
import { readLines, scratchFolder } from './processes.js';
import { writeVqaDataset } from './vqa-dataset.js';

const QUESTIONS = 2000;

interface RunOutput {
  runDirectory: string;
  status: string;
}

async function cli(args: string[]): Promise<RunOutput> {
  const { code, stdout, stderr } = await runCli([...args, '--json', '--quiet']);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as RunOutput;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

function sampleOrder(line: string): [string, number, number, string] {
  const record = JSON.parse(line) as { task: string; shots: number; trial: number; sampleId: string };
  return [record.task, record.shots, record.trial, record.sampleId];
}

describe('--shard i/n and emu-eval merge', { timeout: 150_000 }, () => {
  const work = scratchFolder('emu-eval-shards-');
  const data = path.join(work, 'vqav2');
  const predictions = path.join(work, 'predictions.json');
  const base = ['run', 'vqav2', '--data', data, '--model', `replay:${predictions}`];
  let reference: RunOutput;
  const shardsOf = new Map<number, string[]>();

  async function runShards(count: number, extra: string[] = [], label = `n${count}`): Promise<string[]> {
    const directories: string[] = [];
    for (let index = 0; index < count; index += 1) {
      directories.push((await cli([...base, ...extra, '--shard', `${index}/${count}`, '--out', path.join(work, label), '--run-id', `shard-${index}`])).runDirectory);
    }
    return directories;
  }

  function assertEqualRuns(merged: string, expected: string, sorted = true): void {
    const mergedLines = readLines(path.join(merged, 'samples.jsonl'));
    const expectedLines = readLines(path.join(expected, 'samples.jsonl'));
    assert.equal(mergedLines.length, expectedLines.length);
    assert.deepEqual([...mergedLines].sort(), [...expectedLines].sort());
    // The merged log is in task / shots / trial / sample id order.
    const keys = mergedLines.map(sampleOrder);
    for (let index = 1; sorted && index < keys.length; index += 1) {
      const [a, b] = [keys[index - 1]!, keys[index]!];
      assert.ok(a[1] < b[1] || (a[1] === b[1] && (a[2] < b[2] || (a[2] === b[2] && a[3] < b[3]))), `out of order at line ${index + 1}`);
    }
    const mergedMetrics = readJson(path.join(merged, 'metrics.json'));
    const expectedMetrics = readJson(path.join(expected, 'metrics.json'));
    assert.deepEqual(mergedMetrics.results, expectedMetrics.results);
    assert.deepEqual(mergedMetrics.trialSummaries, expectedMetrics.trialSummaries);
    const mergedRun = readJson(path.join(merged, 'run.json'));
    const expectedRun = readJson(path.join(expected, 'run.json'));
    assert.deepEqual(mergedRun.config, expectedRun.config);
    assert.equal(mergedRun.configHash, expectedRun.configHash);
    assert.equal(mergedRun.status, 'finished');
  }

  before(async () => {
    await writeVqaDataset(data, QUESTIONS, { predictionsFile: predictions, wrongEvery: 3 });
    reference = await cli([...base, '--out', path.join(work, 'reference')]);
  });

  for (const count of [1, 3, 7]) {
    it(`n = ${count}: the merged shards equal the unsharded run`, async () => {
      const shards = await runShards(count);
      shardsOf.set(count, shards);
      const sizes = shards.map((directory) => readLines(path.join(directory, 'samples.jsonl')).length);
      assert.equal(sizes.reduce((sum, size) => sum + size, 0), QUESTIONS);
      if (count > 1) assert.ok(Math.min(...sizes) > (QUESTIONS / count) * 0.7, `balanced shards: ${sizes.join(', ')}`);
      const merged = await cli(['merge', ...[...shards].reverse(), '--out', path.join(work, `merged-${count}`)]);
      assert.equal(path.basename(merged.runDirectory), path.basename(reference.runDirectory), 'the unsharded command\'s run id');
      assertEqualRuns(merged.runDirectory, reference.runDirectory);
    });
  }

  it('few-shot with two trials (bundled sample): the merge of 3 shards equals the unsharded run, trial summaries included', async () => {
    // Answers for the bundled sample's questions, a third of them wrong, so the scores are not all equal.
    const bundledPredictions = path.join(work, 'bundled-predictions.json');
    await writeGoldPredictions('vqav2', bundledPredictions, { wrongEvery: 3 });
    const fewShot = ['run', 'vqav2', '--model', `replay:${bundledPredictions}`, '--shots', '0,4', '--trials', '2', '--extraction', 'raw'];
    const whole = await cli([...fewShot, '--out', path.join(work, 'few-whole')]);
    const shards: string[] = [];
    for (let index = 0; index < 3; index += 1) shards.push((await cli([...fewShot, '--shard', `${index}/3`, '--out', path.join(work, 'few-shards'), '--run-id', `s${index}`])).runDirectory);
    const merged = await cli(['merge', ...shards, '--out', path.join(work, 'few-merged')]);
    assertEqualRuns(merged.runDirectory, whole.runDirectory);
    assert.equal(readJson(path.join(merged.runDirectory, 'metrics.json')).trialSummaries.length, 1);
  });

  it('refuses shards that do not belong together, naming why (and accepts ones that differ only in how they ran)', async () => {
    const three = shardsOf.get(3)!;
    const refused = async (args: string[], pattern: RegExp) => {
      const { code, stderr } = await runCli(['merge', ...args, '--out', path.join(work, 'refused')]);
      assert.equal(code, 1, stderr);
      assert.match(stderr, pattern);
    };
    await refused([three[0]!, three[1]!], /refusing an incomplete merge: missing shard 2\/3 .*--allow-partial/);
    await refused([three[0]!, three[0]!, three[1]!, three[2]!], /shard 0\/3 given twice/);
    await refused([...three, shardsOf.get(7)![0]!], /shard 0\/7 .* splits the run into 7 shards, shard 0\/3 .* into 3/);
    await refused([reference.runDirectory, ...three], /is not a shard: it was run without --shard i\/n/);

    const [otherSettings] = await runShards(3, ['--normalize', 'always'], 'normalize-always');
    await refused([otherSettings!, three[1]!, three[2]!], /different configuration .*\(differs in: normalize\)/);

    const otherData = path.join(work, 'vqav2-edited');
    cpSync(data, otherData, { recursive: true });
    const questionsFile = path.join(otherData, 'v2_OpenEnded_mscoco_val2014_questions.json');
    writeFileSync(questionsFile, readFileSync(questionsFile, 'utf8').replace('Is there a', 'Is there one'));
    const editedShard = (await cli(['run', 'vqav2', '--data', otherData, '--model', `replay:${predictions}`, '--shard', '2/3', '--out', path.join(work, 'edited'), '--run-id', 'shard-2'])).runDirectory;
    await refused([three[0]!, three[1]!, editedShard], /different task data .*\(differs in: vqav2\.fingerprint\)/);

    const overlapping = path.join(work, 'overlap', 'shard-1');
    cpSync(three[1]!, overlapping, { recursive: true });
    appendFileSync(path.join(overlapping, 'samples.jsonl'), `${readLines(path.join(three[0]!, 'samples.jsonl'))[5]}\n`);
    await refused([three[0]!, overlapping, three[2]!], /overlapping shards: vqav2 0-shot trial 0 sample \d+ is in both shard 0\/3 .* and shard 1\/3/);

    const unfinished = path.join(work, 'unfinished', 'shard-2');
    cpSync(three[2]!, unfinished, { recursive: true });
    const record = readJson(path.join(unfinished, 'run.json'));
    writeFileSync(path.join(unfinished, 'run.json'), JSON.stringify({ ...record, status: 'interrupted' }));
    await refused([three[0]!, three[1]!, unfinished], /shard 2\/3 .* is interrupted: rerun its command to finish it/);

    // What differs between machines without changing results (batch size here; threads, devices) is fine.
    const otherBatch = (await cli([...base, '--batch-size', '7', '--shard', '1/3', '--out', path.join(work, 'batch-7'), '--run-id', 'shard-1'])).runDirectory;
    assertEqualRuns((await cli(['merge', three[0]!, otherBatch, three[2]!, '--out', path.join(work, 'merged-batch-7')])).runDirectory, reference.runDirectory);

    await cli(['merge', ...three, '--out', path.join(work, 'twice')]);
    const again = await runCli(['merge', ...three, '--out', path.join(work, 'twice')]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; choose another --run-id or --out/);
  });

  it('--allow-partial merges what is there (marked interrupted); the unsharded command then completes it', async () => {
    const three = shardsOf.get(3)!;
    const out = path.join(work, 'partial');
    const merged = await cli(['merge', three[0]!, three[2]!, '--out', out, '--allow-partial']);
    assert.equal(merged.status, 'interrupted');
    const record = readJson(path.join(merged.runDirectory, 'run.json'));
    assert.ok(record.warnings.some((warning: string) => /partial merge: shard\(s\) 1\/3 missing/.test(warning)));
    const expectedPresent = readLines(path.join(three[0]!, 'samples.jsonl')).length + readLines(path.join(three[2]!, 'samples.jsonl')).length;
    assert.equal(readLines(path.join(merged.runDirectory, 'samples.jsonl')).length, expectedPresent);
    const completed = await cli([...base, '--out', out]);
    assert.equal(completed.runDirectory, merged.runDirectory, 'the unsharded command resumes the partial merge');
    assertEqualRuns(completed.runDirectory, reference.runDirectory, false);
  });
});
