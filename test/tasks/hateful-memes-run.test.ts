// `emu-eval run hateful-memes --shots 0,4` end to end on the bundled sample: through tiny-emu (the ONNX
// runner) and through the OpenAI-compatible test server (vLLM's prompt_logprobs route), scored as
// OpenFlamingo scores it; a runner that cannot score continuations is refused before anything runs;
// compare does not pass per-sample means off as AUCs.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { metricsRecordSchema, sampleRecordSchema, type MetricsRecord, type SampleRecord } from '../../artifact/schema.js';
import { canonicalSplit } from '../../reports/benchmark-names.js';
import { publishedScoringRule } from '../../reports/baselines/scoring-rules.js';
import { compareRuns } from '../../scoring/compare/compare-runs.js';
import { classScores } from '../../scoring/metrics/class-probability.js';
import { rocAuc } from '../../scoring/metrics/roc-auc.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { startOpenAITestServer } from '../helpers/openai-test-server.js';

const task = getTask('hateful-memes');
const labelOf = new Map<string, 0 | 1>();
const trainIds = new Set<string>();
for await (const sample of task.load({ dataDir: bundledDataDir(task), split: 'test_seen', textOnly: true })) labelOf.set(sample.question, sample.answers[0] === 'yes' ? 1 : 0);
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
    // 12 of the 20 samples (both classes among them) keep the CPU model's share of the suite small.
    const outcome = await run(['--limit', '12']);
    checkScoredAsOpenFlamingo(outcome, 0, 12);
    const comparison = await compareRuns(outcome.runDirectory, outcome.runDirectory);
    assert.ok(comparison.units.every((unit) => unit.status === 'not-compared' && unit.paired === undefined));
    assert.match(comparison.units[0]!.reasons.join(' '), /roc_auc is computed over all samples at once, not a mean of per-sample scores/);
    // Published rows (the Emu2 paper's "seen-test", ROC AUC × 100) meet this run's split and rule.
    assert.equal(canonicalSplit(outcome.metrics.results[0]!.split), 'seen-test');
    assert.equal(publishedScoringRule(task.benchmark), outcome.metrics.results[0]!.rule);
  });

  it("through an OpenAI-compatible server under --protocol flamingo: OpenFlamingo's prompt (0* = two text-only demos), AUC and accuracy by hand", async () => {
    // A perfect classifier: "yes" is likely after a hateful meme's text, unlikely otherwise; "no" in between.
    const server = await startOpenAITestServer({
      tokenLogprob: (before, token) => {
        const query = [...before.matchAll(/is an image with: '([^']*)' written on it\. Is it hateful\? Answer:/g)].at(-1)?.[1];
        if (query === undefined || !labelOf.has(query) || !['yes', 'no'].includes(token.trim())) return -3;
        if (token.trim() === 'no') return -1;
        return labelOf.get(query) === 1 ? -0.1 : -2;
      },
    });
    try {
      const outcome = await run(['--model', `openai:${server.url}`, '--model-name', 'test-model', '--protocol', 'flamingo', '--no-cache', '--quiet']);
      checkScoredAsOpenFlamingo(outcome, 2, 20);
      assert.deepEqual(outcome.metrics.results.map((result) => [result.all.value, result.accuracy!.all.value]), [[100, 100], [100, 100]]);
      const hateful = outcome.records.find((record) => record.binary!.label === 1)!;
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
