import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { hashOf } from '../../core/hash.js';
import { aggregate, toScoredItem } from '../../evals/aggregate.js';
import type { ExtractionStrategy } from '../../evals/extract.js';
import type { NormalizeMode } from '../../evals/metrics/types.js';
import { describeEnvironment } from '../../evals/results/environment.js';
import { METRICS_FILE, openRunDirectory, SAMPLES_FILE, writeMetricsRecord, writeRunRecord } from '../../evals/results/run-directory.js';
import { acquireRunLock } from '../../evals/results/run-lock.js';
import { dropErrorSamples, readSampleRecords, SamplesLog, sampleKey } from '../../evals/results/samples-log.js';
import { SCHEMA_VERSION, type MetricsRecord, type RunConfig, type RunRecord, type SampleRecord, type TaskRecord } from '../../evals/results/schema.js';
import { breakdownMeta, scoreOutput } from '../../evals/score-sample.js';
import { dataFingerprint } from '../../tasks/fingerprint.js';
import { buildRequest } from '../../tasks/prompts/build-request.js';
import { getPreset, type ProtocolPreset } from '../../tasks/prompts/presets.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import type { Sample, TaskAdapter } from '../../tasks/types.js';
import { createRunner } from '../registry.js';
import type { Output, Request, Runner, RunnerOptions } from '../types.js';
import { runInBatches } from './batch-pipeline.js';
import { inShard, type Shard } from './shard.js';
import { writeSubmission } from './submission.js';

export interface EvaluateOptions {
  kind: 'run' | 'score';
  tasks: string[];
  model: string;
  /** One folder for every task, or per task (`{vqav2: '/data/vqa'}`); absent means the bundled sample. */
  data?: string | Record<string, string>;
  split?: string;
  limit?: number;
  shard?: Shard;
  outDir: string;
  runId?: string;
  protocol: string;
  extraction?: ExtractionStrategy;
  normalize: NormalizeMode;
  maxNewTokens?: number;
  numBeams?: number;
  batchSize?: number;
  runnerOptions?: RunnerOptions;
  command: string[];
  /** Re-scoring needs only questions and annotations: never touch image files. */
  textOnly?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
  /** Drop the error samples of an existing run so they are attempted again (`--retry-errors`). */
  retryErrors?: boolean;
  /** Count each task's samples before running, for a progress bar with an ETA (one extra pass over the questions). */
  countTotals?: boolean;
}

export type EngineEvent =
  | { type: 'notice'; level: 'info' | 'warning'; message: string }
  | { type: 'task-start'; task: string; split: string; total: number | null; alreadyDone: number }
  | { type: 'progress'; task: string; completed: number }
  | { type: 'task-end'; task: string };

export interface EvaluationResult {
  runDirectory: string;
  record: RunRecord;
  metrics: MetricsRecord;
  resumed: boolean;
}

interface PlannedTask {
  adapter: TaskAdapter;
  record: TaskRecord;
}

function dataDirFor(task: TaskAdapter, data: EvaluateOptions['data']): { dataDir: string; bundledSample: boolean } {
  const given = typeof data === 'string' ? data : data?.[task.id];
  if (given) {
    const dataDir = path.resolve(given);
    if (!existsSync(dataDir)) throw new ConfigError(`${task.id}: data folder not found: ${dataDir}`);
    return { dataDir, bundledSample: false };
  }
  return { dataDir: bundledDataDir(task), bundledSample: true };
}

async function planTask(id: string, options: EvaluateOptions): Promise<PlannedTask> {
  const adapter = getTask(id);
  const split = options.split ?? adapter.defaultSplit;
  const splitInfo = adapter.splits.find((candidate) => candidate.name === split);
  if (!splitInfo) throw new ConfigError(`${id}: unknown split "${split}"; known: ${adapter.splits.map((s) => s.name).join(', ')}`, true);
  const { dataDir, bundledSample } = dataDirFor(adapter, options.data);
  return {
    adapter,
    record: {
      id,
      version: adapter.version,
      metric: adapter.metric,
      split,
      hasAnswers: splitInfo.hasAnswers,
      dataDir,
      bundledSample,
      fingerprint: await dataFingerprint(adapter, dataDir, split),
    },
  };
}

/** `--normalize` chooses between the VQA conventions; exact match always normalizes (PROTOCOLS.md §2). */
function effectiveNormalize(task: PlannedTask, config: RunConfig): NormalizeMode {
  return task.adapter.metric === 'exact_match' ? 'always' : config.normalize;
}

function slug(text: string): string {
  return text.replace(/^.*[\\/]/, '').replace(/[^a-zA-Z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'model';
}

/** Samples of one task after --limit (first N of the split) and --shard (by sample id). */
async function* selectSamples(planned: PlannedTask, options: EvaluateOptions): AsyncGenerator<Sample> {
  let seen = 0;
  for await (const sample of planned.adapter.load({ dataDir: planned.record.dataDir, split: planned.record.split, textOnly: options.textOnly })) {
    if (options.limit !== undefined && seen >= options.limit) return;
    seen += 1;
    if (inShard(sample.id, options.shard)) yield sample;
  }
}

function promptHash(request: Request, root: string): string {
  const parts = request.parts.map((part) => {
    if (part.type === 'image') return { type: 'image', file: path.relative(root, part.source.path) };
    if (part.type === 'video') return { type: 'video', frames: part.frames.map((frame) => path.relative(root, frame.path)) };
    return part;
  });
  return hashOf({ parts, system: request.system, maxNewTokens: request.maxNewTokens, numBeams: request.numBeams, stop: request.stop }, 16);
}

function presetRecord(preset: ProtocolPreset, config: RunConfig): Record<string, unknown> {
  return { ...preset, extraction: config.extraction, maxNewTokens: config.maxNewTokens, numBeams: config.numBeams };
}

/**
 * The evaluation loop: stream samples → build requests → runner → extract and score → append to
 * samples.jsonl as each batch finishes → aggregate into metrics.json. Rerunning the same command
 * resumes: samples already in samples.jsonl are skipped, never counted twice.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  const emit = options.onEvent ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  const preset = getPreset(options.protocol);
  const planned = [];
  for (const id of options.tasks) planned.push(await planTask(id, options));
  for (const task of planned) {
    if (task.record.bundledSample) {
      emit({ type: 'notice', level: 'warning', message: `${task.record.id}: no --data given, using the bundled SYNTHETIC sample (${task.record.dataDir}); its numbers say nothing about real benchmark performance` });
    }
  }

  const config: RunConfig = {
    tasks: options.tasks,
    ...(options.split ? { split: options.split } : {}),
    model: options.model,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    protocol: preset.id,
    extraction: options.extraction ?? preset.extraction,
    normalize: options.normalize,
    shots: [0],
    seeds: [0],
    maxNewTokens: options.maxNewTokens ?? preset.maxNewTokens,
    numBeams: options.numBeams ?? preset.numBeams,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.runnerOptions && Object.keys(options.runnerOptions).length > 0 ? { runnerOptions: { ...options.runnerOptions } } : {}),
  };
  const configHash = hashOf({ config, tasks: planned.map((task) => task.record), kind: options.kind });
  const runId = options.runId ?? `${options.tasks.join('+')}-${slug(options.model)}-${configHash.slice(0, 10)}`;
  if (!/^[a-zA-Z0-9._+-]+$/.test(runId)) throw new ConfigError(`--run-id "${runId}": use letters, digits, '.', '_', '+' and '-' only`, true);

  const runner: Runner = await createRunner(options.model, {
    ...options.runnerOptions,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.tasks.length === 1 ? { task: options.tasks[0] } : {}),
  });
  try {
    const now = new Date().toISOString();
    const warnings = [...(runner.warnings ?? [])];
    const fresh: RunRecord = {
      schemaVersion: SCHEMA_VERSION,
      id: runId,
      kind: options.kind,
      status: 'running',
      command: options.command,
      configHash,
      config,
      model: { spec: options.model, id: runner.modelId, runner: runner.id, ...(runner.params ? { params: runner.params } : {}), notes: runner.notes ?? [] },
      tasks: planned.map((task) => task.record),
      protocol: presetRecord(preset, config),
      environment: describeEnvironment(),
      warnings,
      createdAt: now,
      updatedAt: now,
      attempts: 1,
    };
    const { runDirectory, record, resumed } = openRunDirectory(options.outDir, fresh);
    const release = acquireRunLock(runDirectory);
    for (const note of runner.notes ?? []) emit({ type: 'notice', level: 'warning', message: note });
    for (const warning of warnings) emit({ type: 'notice', level: 'warning', message: warning });
    try {
      const finishedRecord = await runLoop({ runner, planned, config, runDirectory, record, options, signal, emit });
      const metrics = await computeMetrics(runDirectory, planned, config);
      writeMetricsRecord(runDirectory, metrics);
      const interrupted = signal.aborted;
      const final: RunRecord = { ...finishedRecord, status: interrupted ? 'interrupted' : 'finished', ...(interrupted ? {} : { finishedAt: new Date().toISOString() }) };
      writeRunRecord(runDirectory, final);
      return { runDirectory, record: final, metrics, resumed };
    } catch (error) {
      writeRunRecord(runDirectory, { ...record, status: 'failed', error: errorMessage(error) });
      throw error;
    } finally {
      release();
    }
  } finally {
    await runner.close();
  }
}

interface LoopContext {
  runner: Runner;
  planned: PlannedTask[];
  config: RunConfig;
  runDirectory: string;
  record: RunRecord;
  options: EvaluateOptions;
  signal: AbortSignal;
  emit: (event: EngineEvent) => void;
}

async function finishedKeys(file: string): Promise<Set<string>> {
  const keys = new Set<string>();
  if (!existsSync(file)) return keys;
  for await (const record of readSampleRecords(file)) keys.add(sampleKey(record));
  return keys;
}

async function countSelected(task: PlannedTask, options: EvaluateOptions): Promise<number> {
  let count = 0;
  for await (const _sample of selectSamples(task, { ...options, textOnly: true })) count += 1;
  return count;
}

async function runLoop(context: LoopContext): Promise<RunRecord> {
  const { runner, config, runDirectory, options, signal, emit } = context;
  const samplesFile = path.join(runDirectory, SAMPLES_FILE);
  if (options.retryErrors) {
    const dropped = await dropErrorSamples(samplesFile);
    emit({ type: 'notice', level: 'info', message: `--retry-errors: ${dropped} error sample(s) will be attempted again` });
  }
  const log = new SamplesLog(samplesFile);
  const done = await finishedKeys(samplesFile);
  const generation = { maxNewTokens: config.maxNewTokens, numBeams: config.numBeams };
  const shots = 0;
  const trial = 0;
  try {
    for (const task of context.planned) {
      if (signal.aborted) break;
      const keyOf = (sample: Sample) => sampleKey({ task: task.record.id, sampleId: sample.id, shots, trial });
      const total = options.countTotals ? await countSelected(task, options) : null;
      const alreadyDone = [...done].filter((key) => key.startsWith(`${task.record.id}\u0000`)).length;
      emit({ type: 'task-start', task: task.record.id, split: task.record.split, total, alreadyDone });
      async function* pending(): AsyncGenerator<Sample> {
        for await (const sample of selectSamples(task, options)) if (!done.has(keyOf(sample))) yield sample;
      }
      const settings = { metric: task.adapter.metric, extraction: config.extraction as ExtractionStrategy, normalize: effectiveNormalize(task, config) };
      const batchSize = options.batchSize ?? runner.batchSize ?? 8;
      await runInBatches(pending(), { batchSize, maxInFlight: runner.maxInFlight ?? 1, signal }, async (batch) => {
        const requests = batch.map((sample) => buildRequest(sample, getPreset(config.protocol), generation));
        const outputs: Output[] = await runner.generate(requests, signal);
        batch.forEach((sample, index) => {
          const output = outputs[index];
          // An output cut short by Ctrl-C is not a result: leave it for the resumed run.
          if (!output || (signal.aborted && output.finishReason === 'error')) return;
          const { extracted, score } = scoreOutput(sample, output, settings);
          const record: SampleRecord = {
            task: task.record.id,
            sampleId: sample.id,
            shots,
            trial,
            demoIds: [],
            promptHash: promptHash(requests[index]!, task.record.dataDir),
            output: output.text,
            finishReason: output.finishReason,
            extracted,
            score,
            ...(output.error ? { error: output.error } : {}),
            latencyMs: Math.round(output.latencyMs * 1000) / 1000,
            ...(output.tokens !== undefined ? { tokens: output.tokens } : {}),
            ...(output.cached ? { cached: true } : {}),
            meta: breakdownMeta(sample),
          };
          log.append(record);
          done.add(keyOf(sample));
        });
        emit({ type: 'progress', task: task.record.id, completed: batch.length });
      });
      emit({ type: 'task-end', task: task.record.id });
    }
  } finally {
    log.close();
  }
  return context.record;
}

async function computeMetrics(runDirectory: string, planned: PlannedTask[], config: RunConfig): Promise<MetricsRecord> {
  // Keyed by sample id so the aggregate (and its bootstrap CI) does not depend on the order samples
  // finished in: a resumed run must report exactly what an uninterrupted one does.
  const byTask = new Map<string, Array<ReturnType<typeof toScoredItem> & { id: string }>>();
  const answersByTask = new Map<string, Array<{ id: string; answer: string }>>();
  for (const task of planned) {
    byTask.set(task.record.id, []);
    answersByTask.set(task.record.id, []);
  }
  for await (const record of readSampleRecords(path.join(runDirectory, SAMPLES_FILE))) {
    byTask.get(record.task)?.push({ ...toScoredItem(record), id: record.sampleId });
    if (record.finishReason !== 'error') answersByTask.get(record.task)?.push({ id: record.sampleId, answer: record.extracted });
  }
  const results = [];
  for (const task of planned) {
    const items = byTask.get(task.record.id)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const metrics = aggregate(items, {
      task: task.record.id,
      split: task.record.split,
      metric: task.record.metric,
      normalize: effectiveNormalize(task, config),
      extraction: config.extraction,
      shots: 0,
      trial: 0,
      hasAnswers: task.record.hasAnswers,
    });
    if (!task.record.hasAnswers) {
      metrics.submission = writeSubmission(runDirectory, task.adapter, task.record.split, answersByTask.get(task.record.id)!);
    }
    results.push(metrics);
  }
  return { schemaVersion: SCHEMA_VERSION, runId: path.basename(runDirectory), generatedAt: new Date().toISOString(), results };
}

export { METRICS_FILE };
