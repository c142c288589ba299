// The `loglik` request kind end to end through the engine: requests carry the task's continuations,
// samples.jsonl keeps their log-probabilities and the task's prediction, a rerun resumes, and a runner
// that cannot score continuations is refused before anything runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runConfigSchema, sampleRecordSchema, type RunConfig } from '../../artifact/schema.js';
import { ConfigError } from '../../core/errors.js';
import type { LoglikOutput, LoglikRequest, Runner } from '../../core/contracts/runner.js';
import type { Sample, TaskAdapter } from '../../core/contracts/task.js';
import { computeMetrics } from '../../evals/compute-metrics.js';
import { requireRequestKinds } from '../../evals/evaluate.js';
import { runEvaluationLoop, type EvaluationUnit } from '../../evals/evaluation-loop.js';
import type { PlannedTask } from '../../evals/plan.js';
import { temporaryFolder } from '../helpers/cli.js';

const samples: Sample[] = [
  { id: 'a', question: 'is it red?', answers: ['yes'], media: [], meta: { category: 'colour' } },
  { id: 'b', question: 'is it round?', answers: ['no'], media: [], meta: { category: 'shape' } },
  { id: 'c', question: 'is it big?', answers: ['yes'], media: [], meta: { category: 'shape' } },
];

const yesNo: TaskAdapter = {
  id: 'yes-no',
  benchmark: 'YesNo',
  version: 1,
  modality: 'image',
  metric: 'exact_match',
  evaluator: 'emu-eval-exact-match',
  description: 'two-way choice by log-likelihood (test task)',
  splits: [{ name: 'val', hasAnswers: true, files: [] }],
  defaultSplit: 'val',
  recordMeta: ['category'],
  breakdowns: ['category'],
  request: {
    kind: 'loglik',
    continuations: () => [' yes', ' no'],
    predict: ({ continuations, logprobs }) => continuations[logprobs.indexOf(Math.max(...logprobs))]!.trim(),
  },
  prompts: { emu2: { zeroShotTemplate: '{question} Answer yes or no:' } },
  async *load() {
    yield* samples;
  },
};

const planned: PlannedTask = {
  adapter: yesNo,
  record: { id: 'yes-no', version: 1, metric: 'exact_match', split: 'val', hasAnswers: true, dataDir: '/data', bundledSample: false, fingerprint: 'f' },
};

const config: RunConfig = runConfigSchema.parse({
  tasks: ['yes-no'],
  model: 'fake',
  protocol: 'emu2',
  extraction: 'short-answer',
  normalize: 'official',
  shots: [0],
  seeds: [0],
  maxNewTokens: 10,
  numBeams: 1,
});

/** Prefers " yes" for questions with "red" or "big", " no" otherwise; records every request. */
function fakeRunner(requests: LoglikRequest[]): Runner {
  return {
    id: 'fake-loglik',
    modelId: 'fake',
    generate: () => Promise.reject(new Error('a loglik task must not generate')),
    async scoreContinuations(batch): Promise<LoglikOutput[]> {
      requests.push(...batch);
      return batch.map((request) => {
        const text = request.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
        const yes = /red|big/.test(text) ? -0.1 : -2.5;
        return { logprobs: [yes, -1], tokens: [1, 1], latencyMs: 1 };
      });
    },
    close: async () => {},
  };
}

async function run(runner: Runner, runDirectory: string): Promise<void> {
  const units: EvaluationUnit[] = [{ task: planned, shots: 0, trial: 0, seed: 0 }];
  await runEvaluationLoop({ runner, units, config, runDirectory, selection: {}, prepareFor: async () => undefined, signal: new AbortController().signal, emit: () => {} }, false);
}

describe('loglik request kind', () => {
  it('scores the continuations, records their log-probabilities and the argmax prediction, and resumes', async () => {
    const runDirectory = temporaryFolder('emu-eval-loglik-');
    const requests: LoglikRequest[] = [];
    await run(fakeRunner(requests), runDirectory);

    assert.deepEqual(requests.map((request) => request.continuations), [[' yes', ' no'], [' yes', ' no'], [' yes', ' no']]);
    assert.deepEqual(requests[0]!.parts, [{ type: 'text', text: 'is it red? Answer yes or no:' }], "the task's prompt piece replaces the preset's template");
    const records = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
    assert.deepEqual(
      records.map((record) => [record.sampleId, record.extracted, record.output, record.score, record.meta]),
      [['a', 'yes', 'yes', 1, { category: 'colour' }], ['b', 'no', 'no', 1, { category: 'shape' }], ['c', 'yes', 'yes', 1, { category: 'shape' }]],
    );
    assert.deepEqual(records[1]!.loglik, { continuations: [' yes', ' no'], logprobs: [-2.5, -1], tokens: [1, 1] });

    // A rerun finds every sample done: the runner is not asked again.
    const again: LoglikRequest[] = [];
    await run(fakeRunner(again), runDirectory);
    assert.equal(again.length, 0);
    assert.equal(readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').length, 3);

    const metrics = await computeMetrics(runDirectory, [{ task: planned, shots: 0, trial: 0, seed: 0 }], config);
    assert.equal(metrics.results[0]!.all.value, 100);
    assert.deepEqual(metrics.results[0]!.breakdowns, { category: { colour: { value: 100, n: 1 }, shape: { value: 100, n: 2 } } });
  });

  it('records a runner error, or a wrong number of log-probabilities, as an error sample', async () => {
    const runDirectory = temporaryFolder('emu-eval-loglik-');
    const runner: Runner = {
      ...fakeRunner([]),
      scoreContinuations: async (batch) => batch.map((request, index): LoglikOutput => (index === 0 ? { logprobs: [], tokens: [], error: 'out of memory', latencyMs: 1 } : { logprobs: [-1], tokens: [1], latencyMs: 1 })),
    };
    await run(runner, runDirectory);
    const records = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
    assert.deepEqual(records.map((record) => [record.finishReason, record.score, record.error]), [
      ['error', null, 'out of memory'],
      ['error', null, 'the runner returned 1 log-probabilities for 2 continuations'],
      ['error', null, 'the runner returned 1 log-probabilities for 2 continuations'],
    ]);
  });

  it('a binary classification keeps label and positive-class score; errors and non-finite log-probabilities keep the label only', async () => {
    const binaryTask: TaskAdapter = {
      ...yesNo,
      metric: 'roc_auc',
      evaluator: 'openflamingo-classification',
      request: {
        kind: 'loglik',
        continuations: () => ['yes', 'no'],
        predict: ({ continuations, logprobs }) => continuations[logprobs[0]! >= logprobs[1]! ? 0 : 1]!,
        binary: { label: (sample) => (sample.answers[0] === 'yes' ? 1 : 0), score: ({ logprobs }) => Math.exp(logprobs[0]!) },
      },
    };
    const binaryPlanned: PlannedTask = { adapter: binaryTask, record: { ...planned.record, metric: 'roc_auc' } };
    const runDirectory = temporaryFolder('emu-eval-loglik-');
    const outputs: LoglikOutput[] = [
      { logprobs: [], tokens: [], error: 'out of memory', latencyMs: 1 },
      { logprobs: [Number.NEGATIVE_INFINITY, -1], tokens: [1, 1], latencyMs: 1 },
      { logprobs: [-0.1, -2], tokens: [1, 1], latencyMs: 1 },
    ];
    const runner: Runner = { ...fakeRunner([]), scoreContinuations: async (batch) => batch.map((request) => outputs[samples.findIndex((sample) => sample.id === request.sampleId)]!) };
    const units: EvaluationUnit[] = [{ task: binaryPlanned, shots: 0, trial: 0, seed: 0 }];
    await runEvaluationLoop({ runner, units, config, runDirectory, selection: {}, prepareFor: async () => undefined, signal: new AbortController().signal, emit: () => {} }, false);
    const records = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
    assert.deepEqual(records.map((record) => [record.sampleId, record.finishReason, record.binary]), [
      ['a', 'error', { label: 1 }],
      ['b', 'error', { label: 0 }],
      ['c', 'stop', { label: 1, score: Math.exp(-0.1) }],
    ]);
    assert.equal(records[1]!.error, 'the runner returned a log-probability that is not a finite number (-Infinity, -1)');
    // ALL ranks the errored positive below and the errored negative above everything: AUC 0. VALID holds one class: no AUC.
    const [result] = (await computeMetrics(runDirectory, units, config)).results;
    assert.deepEqual([result!.all.value, result!.valid.value, result!.valid.n, result!.accuracy!.all.value], [0, null, 1, 100 * (1 / 3)]);
  });

  it('refuses a runner without scoreContinuations before the run, naming the model, the runner and the task', () => {
    const { scoreContinuations: _scoreContinuations, ...generateOnly } = fakeRunner([]);
    assert.throws(
      () => requireRequestKinds(generateOnly, 'onnx:/ckpt', [planned]),
      (error: unknown) => error instanceof ConfigError && /yes-no/.test(error.message) && /onnx:\/ckpt/.test(error.message) && /fake-loglik/.test(error.message),
    );
    assert.doesNotThrow(() => requireRequestKinds(fakeRunner([]), 'fake', [planned]));
  });
});
