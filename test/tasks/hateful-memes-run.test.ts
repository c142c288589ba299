// `emu-eval run hateful-memes --shots 0,4` end to end on the bundled sample: through tiny-emu (the ONNX
// runner) and through the OpenAI-compatible test server (vLLM's prompt_logprobs route), scored as
// OpenFlamingo scores it; a runner that cannot score continuations is refused before anything runs;
// compare does not pass per-sample means off as AUCs.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { metricsRecordSchema, sampleRecordSchema, type MetricsRecord, type SampleRecord } from '../../artifact/schema.js';
import { formatSummaryTable } from '../../cli/summary.js';
import { canonicalSplit } from '../../reports/benchmark-names.js';
import { publishedScoringRule } from '../../reports/baselines/scoring-rules.js';
import { compareRuns } from '../../scoring/compare/compare-runs.js';
import { classScores } from '../../scoring/metrics/class-probability.js';
import { rocAuc } from '../../scoring/metrics/roc-auc.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { startOpenAITestServer } from '../helpers/openai-test-server.js';

const task = getTask('hateful-memes');
/** test_seen's memes: text and label (a text may repeat, with the same label). */
const memes: Array<[string, 0 | 1]> = [];
const trainIds = new Set<string>();
for await (const sample of task.load({ dataDir: bundledDataDir(task), split: 'test_seen', textOnly: true })) memes.push([sample.question, sample.answers[0] === 'yes' ? 1 : 0]);
const labelOf = new Map(memes);
for await (const sample of task.load({ dataDir: bundledDataDir(task), split: 'train', textOnly: true })) trainIds.add(sample.id);

interface RunOutcome {
  runDirectory: string;
  records: SampleRecord[];
  metrics: MetricsRecord;
}

async function run(args: string[]): Promise<RunOutcome> {
  const { code, stdout, stderr } = await runCli(['run', 'hateful-memes', '--shots', '0,4', '--out', temporaryFolder('emu-eval-hm-run-'), '--json', ...args]);
  assert.equal(code, 0, stderr);
  const { runDirectory } = JSON.parse(stdout) as { runDirectory: string };
  const records = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
  const metrics = metricsRecordSchema.parse(JSON.parse(readFileSync(path.join(runDirectory, 'metrics.json'), 'utf8')));
  return { runDirectory, records, metrics };
}

/** metrics.json recomputed from the records' log-likelihoods alone, as OpenFlamingo computes it (emu2: no demos at 0 shots; flamingo's 0*: two). */
function checkScoredAsOpenFlamingo({ records, metrics }: RunOutcome, zeroShotDemos: number, samples: number): void {
  assert.equal(records.length, 2 * samples, 'test_seen samples × 2 shot counts');
  for (const shots of [0, 4]) {
    const unit = records.filter((record) => record.shots === shots);
    const labels: number[] = [];
    const pYes: number[] = [];
    for (const record of unit) {
      assert.deepEqual(record.loglik!.continuations, ['no', 'yes']);
      const scored = classScores(record.loglik!.logprobs, record.loglik!.tokens);
      assert.equal(record.extracted, ['no', 'yes'][scored.predicted]);
      assert.equal(record.score, record.extracted === (record.binary!.label === 1 ? 'yes' : 'no') ? 1 : 0);
      assert.equal(record.binary!.score, scored.probabilities[1]);
      assert.equal(String(record.binary!.label), record.meta.label);
      assert.equal(record.demoIds.length, shots === 0 ? zeroShotDemos : shots);
      assert.ok(record.demoIds.every((id) => trainIds.has(id)), 'demonstrations come from train');
      labels.push(record.binary!.label);
      pYes.push(record.binary!.score!);
    }
    const result = metrics.results.find((entry) => entry.shots === shots)!;
    assert.deepEqual([result.metric, result.split, result.rule, result.all.n], ['roc_auc', 'test_seen', 'openflamingo-classification', samples]);
    assert.equal(result.all.value, 100 * rocAuc(labels, pYes));
    assert.ok(result.all.ci95![0] <= result.all.value! && result.all.value! <= result.all.ci95![1]);
    assert.equal(result.accuracy!.all.value, (100 * unit.filter((record) => record.score === 1).length) / samples);
  }
}

describe('hateful-memes end to end', () => {
  it('through tiny-emu: every sample scored by log-likelihood, ROC AUC recomputed from the records; compare refuses to pair AUCs', async () => {
    // 8 of the 20 samples (both classes among them) keep the CPU model's share of the suite small.
    const outcome = await run(['--limit', '8']);
    checkScoredAsOpenFlamingo(outcome, 0, 8);
    const comparison = await compareRuns(outcome.runDirectory, outcome.runDirectory);
    assert.ok(comparison.units.every((unit) => unit.status === 'not-compared' && unit.paired === undefined));
    assert.match(comparison.units[0]!.reasons.join(' '), /roc_auc is computed over all samples at once, not a mean of per-sample scores/);
    // The summary table: the AUC rows, then accuracy beside them.
    const table = formatSummaryTable(outcome.metrics).split('\n').filter((line) => line.includes('hateful-memes'));
    assert.deepEqual(table.map((line) => line.split('│')[4]!.trim()), ['roc_auc', 'roc_auc', 'accuracy', 'accuracy']);
    assert.equal(table[2]!.split('│')[5]!.trim(), outcome.metrics.results[0]!.accuracy!.all.value!.toFixed(2));
    // Published rows (the Emu2 paper's "seen-test", ROC AUC × 100) meet this run's split and rule.
    assert.equal(canonicalSplit(outcome.metrics.results[0]!.split), 'seen-test');
    assert.equal(publishedScoringRule(task.benchmark), outcome.metrics.results[0]!.rule);
  });

  it("through an OpenAI-compatible server under --protocol flamingo: OpenFlamingo's prompt (0* = two text-only demos), AUC and accuracy by hand", async () => {
    // "yes" is likely after a hateful meme's text and unlikely otherwise ("no" in between), except that
    // memes about dogs are read the wrong way round: an imperfect classifier with two P(yes) values.
    const server = await startOpenAITestServer({
      tokenLogprob: (before, token) => {
        const query = [...before.matchAll(/is an image with: '([^']*)' written on it\. Is it hateful\? Answer:/g)].at(-1)?.[1];
        if (query === undefined || !labelOf.has(query) || !['yes', 'no'].includes(token.trim())) return -3;
        if (token.trim() === 'no') return -1;
        return (labelOf.get(query) === 1) !== query.startsWith('dogs') ? -0.1 : -2;
      },
    });
    try {
      const outcome = await run(['--model', `openai:${server.url}`, '--model-name', 'test-model', '--protocol', 'flamingo', '--no-cache', '--quiet']);
      checkScoredAsOpenFlamingo(outcome, 2, 20);
      // By hand: with P(yes) high for the memes read right and low for the dogs, the AUC is the share of
      // (hateful, harmless) pairs ordered right, ties counting one half; accuracy the share read right.
      const high = (text: string, label: 0 | 1) => (label === 1) !== text.startsWith('dogs');
      const positives = memes.filter(([, label]) => label === 1);
      const negatives = memes.filter(([, label]) => label === 0);
      let ordered = 0;
      for (const [p] of positives) for (const [n] of negatives) ordered += high(p, 1) === high(n, 0) ? 0.5 : high(p, 1) ? 1 : 0;
      const auc = (100 * ordered) / (positives.length * negatives.length);
      const accuracy = (100 * memes.filter(([text]) => !text.startsWith('dogs')).length) / memes.length;
      assert.ok(auc > 50 && auc < 100, `the sample gives a non-trivial AUC (${auc})`);
      for (const result of outcome.metrics.results) {
        assert.ok(Math.abs(result.all.value! - auc) < 1e-9, `${result.all.value} vs ${auc}`);
        assert.ok(Math.abs(result.accuracy!.all.value! - accuracy) < 1e-9);
      }
      const hateful = outcome.records.find((record) => record.binary!.label === 1 && record.extracted === 'yes')!;
      assert.equal(hateful.binary!.score, Math.exp(-0.1) / (Math.exp(-0.1) + Math.exp(-1)));
      // Two requests per sample (one per continuation); 0 shots: two text-only demonstrations and the query's image.
      assert.equal(server.calls.length, 80);
      const zeroShot = server.calls.filter((call) => call.images.length === 1);
      const fourShot = server.calls.filter((call) => call.images.length === 5);
      assert.deepEqual([zeroShot.length, fourShot.length], [40, 40]);
      const demo = /is an image with: '[^']*' written on it\. Is it hateful\? Answer:(yes|no)<\|endofchunk\|>/g;
      assert.equal([...zeroShot[0]!.text.matchAll(demo)].length, 2);
      assert.equal([...fourShot[0]!.text.matchAll(demo)].length, 4);
      assert.match(zeroShot[0]!.text, /^is an image with: '[^']*' written on it\. Is it hateful\? Answer:(yes|no)<\|endofchunk\|>is an image with/);

      // Two shards merged give the unsharded AUC, recomputed over all samples (an average of the shards' AUCs would not).
      const shards = [];
      for (const shard of ['0/2', '1/2']) shards.push(await run(['--model', `openai:${server.url}`, '--model-name', 'test-model', '--protocol', 'flamingo', '--no-cache', '--quiet', '--shard', shard]));
      const shardValues = shards.map((shard) => shard.metrics.results[0]!.all.value);
      const out = temporaryFolder('emu-eval-hm-merge-');
      const merged = await runCli(['merge', ...shards.map((shard) => shard.runDirectory), '--out', out, '--json']);
      assert.equal(merged.code, 0, merged.stderr);
      const { runDirectory } = JSON.parse(merged.stdout) as { runDirectory: string };
      const mergedMetrics = metricsRecordSchema.parse(JSON.parse(readFileSync(path.join(runDirectory, 'metrics.json'), 'utf8')));
      assert.deepEqual(mergedMetrics.results, outcome.metrics.results);
      assert.notEqual((shardValues[0]! + shardValues[1]!) / 2, outcome.metrics.results[0]!.all.value, `shards ${shardValues}`);
    } finally {
      await server.close();
    }
  });

  it('a replayed predictions file cannot score continuations: refused before a run directory exists', async () => {
    const out = temporaryFolder('emu-eval-hm-replay-');
    const predictions = path.join(out, 'predictions.json');
    writeFileSync(predictions, '[]');
    const { code, stderr } = await runCli(['run', 'hateful-memes', '--model', `replay:${predictions}`, '--out', out]);
    assert.equal(code, 1);
    assert.match(stderr, /hateful-memes: scored by the log-likelihood of given continuations \(loglik request kind\), which the model replay:.*predictions\.json \(runner replay\) cannot compute/);
    assert.ok(!existsSync(path.join(out, 'runs')) && readFileSync(predictions, 'utf8') === '[]');
  });
});
