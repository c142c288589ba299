import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { startOpenAITestServer, type ChatCall, type TestServer } from '../helpers/openai-test-server.js';
import type { MetricsRecord, RunRecord, SampleRecord } from '../../artifact/schema.js';

// `emu-eval run mmmu mm-vet` end to end: the model through tiny-emu and through an OpenAI-compatible
// server; MM-Vet graded by a judge server that also sends unusable replies, whose failures must be
// counted and never scored.

/** Once set, the grader answers the question it could not grade before (a fixed grader, for --retry-errors). */
let graderFixed = false;

/** The grader's replies: per MM-Vet question, by grading run (the request seed) and re-ask. */
function graderReply(call: ChatCall): string {
  const row = call.text.slice(call.text.lastIndexOf('\n\n') + 2);
  const retry = row.includes('Predict the correctness of the answer (digit): ');
  if (row.startsWith('How many sides does the shape have?')) return graderFixed ? '0.5' : 'Correctness:';
  if (row.startsWith('Is the shape in the middle of the picture?')) return retry ? '0.5' : 'The prediction';
  return call.body.seed === 0 ? '1.0' : '0.0 because';
}

function readRun(runDirectory: string): { record: RunRecord; metrics: MetricsRecord; samples: SampleRecord[] } {
  const read = (name: string) => readFileSync(path.join(runDirectory, name), 'utf8');
  return {
    record: JSON.parse(read('run.json')) as RunRecord,
    metrics: JSON.parse(read('metrics.json')) as MetricsRecord,
    samples: read('samples.jsonl').trim().split('\n').map((line) => JSON.parse(line) as SampleRecord),
  };
}

describe('emu-eval run mmmu mm-vet', () => {
  const saved = process.env.EMU_EVAL_CACHE;
  let judge: TestServer;
  let model: TestServer;

  before(async () => {
    process.env.EMU_EVAL_CACHE = temporaryFolder('emu-eval-cache-');
    judge = await startOpenAITestServer({ models: ['gpt-4-0613'], answer: graderReply });
    // The served model answers (B) to multiple-choice questions and "4" to open ones.
    model = await startOpenAITestServer({ models: ['served-vlm'], answer: (call) => (call.text.includes("option's letter") ? 'The answer is (B).' : '4') });
  });
  after(async () => {
    await Promise.all([judge.close(), model.close()]);
    if (saved === undefined) delete process.env.EMU_EVAL_CACHE;
    else process.env.EMU_EVAL_CACHE = saved;
  });

  async function run(extra: string[], out = temporaryFolder()): Promise<{ mmmu: ReturnType<typeof readRun>; code: number; stderr: string; runDirectory: string }> {
    const args = ['run', 'mmmu', 'mm-vet', '--limit', '6', '--judge', `openai:${judge.url}`, '--judge-model', 'gpt-4-0613', '--judge-runs', '2', ...extra];
    const { code, stdout, stderr } = await runCli([...args, '--out', out, '--json', '--quiet']);
    assert.equal(code, 0, stderr);
    const { runDirectory } = JSON.parse(stdout) as { runDirectory: string };
    return { mmmu: readRun(runDirectory), code, stderr, runDirectory };
  }

  function checkMmVet(result: ReturnType<typeof readRun>): void {
    assert.deepEqual(result.record.config.grader, { protocol: 'mm-vet', promptVersion: 1, model: 'gpt-4-0613', endpoints: [judge.url], runs: 2 });
    const mmVet = result.metrics.results.find((entry) => entry.task === 'mm-vet')!;
    const samples = result.samples.filter((sample) => sample.task === 'mm-vet');
    assert.equal(samples.length, 6);
    // v1_3 asks "How many sides": every grading reply unusable → no score, an error, both gradings failed.
    const ungraded = samples.find((sample) => sample.sampleId === 'v1_3')!;
    assert.equal(ungraded.score, null);
    assert.match(ungraded.error ?? '', /no grading succeeded: no score in 5 grader replies; the last: not a number: "Correctness:"/);
    assert.deepEqual(ungraded.grades?.map((grade) => 'error' in grade), [true, true]);
    // v1_2 needed re-asks: graded 0.5 after its second reply, in both runs.
    assert.deepEqual(samples.find((sample) => sample.sampleId === 'v1_2')!.grades, [{ run: 0, score: 0.5, attempts: 2 }, { run: 1, score: 0.5, attempts: 2 }]);
    assert.deepEqual(samples.find((sample) => sample.sampleId === 'v1_0')!.grades, [{ run: 0, score: 1, attempts: 1 }, { run: 1, score: 0, attempts: 1 }]);
    // Five graded samples at 0.5 each: VALID 50, ALL counts the ungraded one as an error.
    assert.equal(mmVet.valid.value, 50);
    assert.ok(Math.abs(mmVet.all.value! - 250 / 6) < 1e-9);
    assert.equal(mmVet.all.nErrors, 1);
    const grader = mmVet.grader!;
    assert.equal(grader.total, 50);
    assert.deepEqual(grader.runTotals, [90, 10]);
    assert.equal(grader.runStd, 40);
    assert.deepEqual(grader.gradings, { requested: 12, graded: 10, failed: 2 });
    assert.equal(grader.ungradedSamples, 1);
    assert.deepEqual(grader.capabilities.rec, { value: 50, n: 5 });
    assert.equal(grader.capabilities.math, undefined);
    assert.deepEqual(Object.keys(grader.integrations).sort(), ['gen_know_rec', 'rec', 'rec_spat']);
  }

  it('through tiny-emu: MMMU scored by its official parsing, MM-Vet by the grader with failures counted; --retry-errors grades them again', async () => {
    const out = temporaryFolder();
    const { mmmu } = await run(['--max-new-tokens', '6'], out);
    const results = mmmu.metrics.results.find((entry) => entry.task === 'mmmu')!;
    assert.equal(results.extraction, 'task:mmmu');
    assert.equal(results.rule, 'mmmu-eval');
    assert.ok(results.breakdowns.discipline && results.breakdowns.subject);
    for (const sample of mmmu.samples.filter((entry) => entry.task === 'mmmu')) {
      if (sample.meta.questionType === 'multiple-choice') assert.match(sample.extracted, /^[A-D]$/);
      else assert.equal(sample.extracted, sample.output);
    }
    checkMmVet(mmmu);
    // Grader requests: MM-Vet's message, 3 tokens, greedy first, each run its own seed.
    const first = judge.calls.filter((call) => call.body.seed === 0 && !call.text.includes('(digit)'));
    assert.ok(first.length >= 6 && first.every((call) => call.body.max_tokens === 3 && call.body.temperature === 0));
    const reasks = judge.calls.filter((call) => call.text.startsWith('Compare the ground truth') && call.text.includes('How many sides') && call.body.seed === 0);
    assert.deepEqual(reasks.map((call) => call.body.temperature), [0, 0, 0.5, 1, 1.5]);

    // Rerunning resumes: nothing is graded again. --retry-errors grades the failed sample again: its
    // cached replies come back as they were, and with the judge cache emptied the fixed grader is asked.
    const callsBefore = judge.calls.length;
    const resumed = await run(['--max-new-tokens', '6'], out);
    assert.equal(judge.calls.length, callsBefore);
    checkMmVet(resumed.mmmu);
    graderFixed = true;
    try {
      checkMmVet((await run(['--max-new-tokens', '6', '--retry-errors'], out)).mmmu);
      process.env.EMU_EVAL_CACHE = temporaryFolder('emu-eval-cache-');
      const retried = await run(['--max-new-tokens', '6', '--retry-errors'], out);
      const grader = retried.mmmu.metrics.results.find((entry) => entry.task === 'mm-vet')!.grader!;
      assert.deepEqual(grader.gradings, { requested: 12, graded: 12, failed: 0 });
      assert.equal(grader.ungradedSamples, 0);
      assert.equal(grader.total, 50);
    } finally {
      graderFixed = false;
    }
  });

  it('through an OpenAI-compatible server: images at their <image N> places, answers parsed and scored officially', async () => {
    const { mmmu } = await run(['--model', `openai:${model.url}`, '--model-name', 'served-vlm', '--protocol', 'llava']);
    const twoImages = model.calls.find((call) => call.text.startsWith('Which image shows'))!;
    const parts = (twoImages.body.messages as Array<{ content: Array<{ type: string; text?: string }> }>).at(-1)!.content;
    const shape = parts.map((part) => (part.type === 'text' ? part.text!.split('\n')[0]!.replace(/the \w+ shape/, 'the COLOR shape') : 'IMAGE'));
    assert.deepEqual(shape.slice(0, 5), ['Which image shows the COLOR shape: ', 'IMAGE', ' or ', 'IMAGE', '?']);
    const samples = mmmu.samples.filter((sample) => sample.task === 'mmmu');
    for (const sample of samples) {
      if (sample.meta.questionType === 'multiple-choice') {
        assert.equal(sample.extracted, 'B');
      } else {
        assert.equal(sample.extracted, '4');
      }
    }
    // Scores as the official code gives them: B right where the gold letter is B; "4" right where the gold is 4.
    const expected = samples.map((sample) => sample.score);
    assert.ok(expected.includes(1) && expected.includes(0));
    checkMmVet(mmmu);
  });

  it("replays predictions in MMMU's own {id: answer} format (main_eval_only.py's input): gold answers score 100", async () => {
    const rows = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../tasks/samples/data/mmmu/validation.json'), 'utf8')) as Array<{ id: string; answer: string; question_type: string }>;
    const predictions = Object.fromEntries(rows.map((row) => [row.id, row.question_type === 'open' ? `The answer is ${row.answer.replace(/^\['([^']*)'.*$/, '$1')}.` : row.answer]));
    const file = path.join(temporaryFolder(), 'total_val_output.json');
    writeFileSync(file, JSON.stringify(predictions));
    const { code, stdout, stderr } = await runCli(['run', 'mmmu', '--model', `replay:${file}`, '--out', temporaryFolder(), '--json', '--quiet']);
    assert.equal(code, 0, stderr);
    const { metrics } = readRun((JSON.parse(stdout) as { runDirectory: string }).runDirectory);
    assert.equal(metrics.results[0]!.all.value, 100);
    assert.equal(metrics.results[0]!.all.n, 24);
  });

  it("score mm-vet grades MM-Vet's own results file ({id: answer}) with the same grader and counting", async () => {
    const entries = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../tasks/samples/data/mm-vet/mm-vet.json'), 'utf8')) as Record<string, unknown>;
    const file = path.join(temporaryFolder(), 'llava_results.json');
    writeFileSync(file, JSON.stringify(Object.fromEntries(Object.keys(entries).map((id) => [id, `answer to ${id}`]))));
    const args = ['score', 'mm-vet', '--predictions', file, '--limit', '6', '--judge', `openai:${judge.url}`, '--judge-model', 'gpt-4-0613', '--judge-runs', '2'];
    const { code, stdout, stderr } = await runCli([...args, '--out', temporaryFolder(), '--json', '--quiet']);
    assert.equal(code, 0, stderr);
    checkMmVet(readRun((JSON.parse(stdout) as { runDirectory: string }).runDirectory));
  });

  it('refuses mm-vet without a judge, saying what to give', async () => {
    const { code, stderr } = await runCli(['run', 'mm-vet', '--limit', '1', '--out', temporaryFolder()]);
    assert.equal(code, 2);
    assert.match(stderr, /mm-vet: scored by an LLM grader; give --judge openai:<URL> --judge-model <NAME> \(the paper's grader is gpt-4-0613\)/);
  });
});
