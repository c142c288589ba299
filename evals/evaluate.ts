import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, errorMessage } from '../core/errors.js';
import { hashOf } from '../core/hash.js';
import type { ExtractionStrategy } from '../scoring/extract.js';
import type { AnswerBy, GqaAnswers, NormalizeMode } from '../core/contracts/metric.js';
import { describeEnvironment } from '../artifact/environment.js';
import { openRunDirectory, writeMetricsRecord, writeRunRecord, type OpenedRun } from '../artifact/run-directory.js';
import { acquireRunLock } from '../artifact/run-lock.js';
import { SCHEMA_VERSION, type MetricsRecord, type RunConfig, type RunRecord } from '../artifact/schema.js';
import { demosNeeded, getPreset, supportsFewShot, type ProtocolPreset } from '../tasks/prompts/presets.js';
import type { LlmJudge } from '../scoring/judge/llm-judge.js';
import { createRunner, findBackend, operationalRunnerOptions } from '../runners/registry.js';
import type { Runner, RunnerOptions } from '../core/contracts/runner.js';
import { computeMetrics } from './compute-metrics.js';
import { createDemoSelector } from './fewshot/demo-selection.js';
import type { DemoSelector } from './fewshot/demo-selector.js';
import { runEvaluationLoop, type EvaluationUnit } from './evaluation-loop.js';
import { openLlmJudge, openTaskGrader } from './judge-runner.js';
import { MM_VET_DEFAULT_RUNS, MM_VET_GRADER_MODEL } from '../scoring/judge/mm-vet/defaults.js';
import type { TaskGrader } from '../scoring/judge/task-grader.js';
import { scoringRules } from '../scoring/metrics/index.js';
import type { EngineEvent } from './events.js';
import type { PrepareRequest } from './generate-prepared.js';
import { draftTask, planDraft, scoringRuleOf, type PlannedTask, type SelectionOptions } from './plan.js';
import { SamplePrefetch } from './sample-prefetch.js';
import { preflightTasks } from './preflight.js';
import { defaultRunId } from './run-id.js';
import type { Shard } from './shard.js';

export type { EngineEvent } from './events.js';

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
  /** GQA: clean predictions as LLaVA's pipeline does before eval.py compares them. */
  gqaAnswers?: GqaAnswers;
  /** Multiple-choice tasks: generate the letter (default) or take the most likely option (docs/protocols.md#multiple-choice). */
  answerBy?: AnswerBy;
  maxNewTokens?: number;
  numBeams?: number;
  batchSize?: number;
  /** Shot counts to evaluate (default [0]). */
  shots?: number[];
  /** Few-shot trials: one per seed (default: seeds 0..trials-1). */
  seeds?: number[];
  trials?: number;
  demos?: 'random' | 'rices';
  /** RICES image encoder folder (default: the evaluated ONNX model's own vision encoder). */
  ricesEncoder?: string;
  runnerOptions?: RunnerOptions;
  command: string[];
  /** Re-scoring needs only questions and annotations: never touch image files. */
  textOnly?: boolean;
  /** Video tasks: frames per video (default: the preset's) and the sampler (default uniform). */
  frames?: number;
  frameSampler?: 'uniform' | 'interior' | 'midpoint';
  /**
   * The LLM judge's server (`--judge`, `--judge-model`, key by variable name): Video-ChatGPT's judge for
   * video QA, and the grader of LLM-graded tasks (MM-Vet), which need it.
   */
  judge?: { spec: string; model: string; apiKeyEnv?: string };
  /** Grading runs per sample for LLM-graded tasks (`--judge-runs`, default 5 as MM-Vet's paper). */
  judgeRuns?: number;
  /** Drop the error samples of an existing run so they are attempted again (`--retry-errors`). */
  retryErrors?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
  /**
   * Replay runs only: count (and check) each task's samples before starting, for a progress bar with
   * an ETA. Every other run does this anyway, in the data preflight before any model call.
   */
  countTotals?: boolean;
}

export interface EvaluationResult {
  runDirectory: string;
  record: RunRecord;
  metrics: MetricsRecord;
  resumed: boolean;
}

/**
 * Runner options that change how a run goes but not what it computes: what the backends declare
 * operational (connection limits, retries, caches, threads), plus the batch size. They are recorded in
 * run.json but left out of the configuration hash, so resuming with more concurrency or another timeout
 * continues the same run.
 */
const OPERATIONAL_RUNNER_OPTIONS = new Set([...operationalRunnerOptions(), 'batchSize']);

/** The identity of a run's results: what the run directory name and resume checks key on. */
export function configHashOf(config: RunConfig, tasks: RunRecord['tasks'], kind: RunRecord['kind']): string {
  const runnerOptions = Object.fromEntries(Object.entries(config.runnerOptions ?? {}).filter(([key]) => !OPERATIONAL_RUNNER_OPTIONS.has(key)));
  const { batchSize: _batchSize, ...rest } = config;
  // The scoring rule and the benchmark name follow from the task version and the options hashed
  // already; leaving them out keeps the identity (and directory name) of runs made before they were recorded.
  const hashedTasks = tasks.map(({ scoringRule: _scoringRule, benchmark: _benchmark, ...task }) => task);
  return hashOf({ config: { ...rest, runnerOptions }, tasks: hashedTasks, kind });
}

function resolveSeeds(options: EvaluateOptions): number[] {
  if (options.seeds && options.seeds.length > 0) {
    if (options.trials !== undefined && options.trials !== options.seeds.length) {
      throw new ConfigError(`--trials ${options.trials} but ${options.seeds.length} --seeds given; give one seed per trial`, true);
    }
    if (new Set(options.seeds).size !== options.seeds.length) throw new ConfigError('--seeds: each trial needs a different seed', true);
    return options.seeds;
  }
  const trials = options.trials ?? 1;
  if (!Number.isInteger(trials) || trials < 1) throw new ConfigError(`--trials takes a positive whole number, found ${trials}`, true);
  return Array.from({ length: trials }, (_, index) => index);
}

function resolveShots(options: EvaluateOptions, preset: ProtocolPreset): number[] {
  const shots = options.shots && options.shots.length > 0 ? options.shots : [0];
  for (const count of shots) {
    if (!Number.isInteger(count) || count < 0) throw new ConfigError(`--shots takes whole numbers >= 0, found ${count}`, true);
  }
  if (new Set(shots).size !== shots.length) throw new ConfigError(`--shots lists a count twice: ${shots.join(',')}`, true);
  if (shots.some((count) => count > 0) && !supportsFewShot(preset)) {
    throw new ConfigError(`--protocol ${preset.id} is zero-shot only; few-shot presets: emu2, flamingo`, true);
  }
  return shots;
}

/** Task × shots × trial. Settings without randomness (true zero-shot, RICES) need one trial only. */
export function planUnits(planned: PlannedTask[], config: RunConfig, preset: ProtocolPreset, selectors: Map<PlannedTask, DemoSelector>): EvaluationUnit[] {
  const units: EvaluationUnit[] = [];
  for (const task of planned) {
    for (const shots of config.shots) {
      const random = demosNeeded(preset, shots) > 0 && config.demos !== 'rices';
      const seeds = random ? config.seeds : config.seeds.slice(0, 1);
      seeds.forEach((seed, trial) => units.push({ task, shots, trial, seed, demos: selectors.get(task) }));
    }
  }
  return units;
}

/**
 * The evaluation loop: stream samples → build requests → runner → extract and score → append to
 * samples.jsonl as each batch finishes → aggregate into metrics.json. Rerunning the same command
 * resumes: samples already in samples.jsonl are skipped, never counted twice.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  // A replay's runner does nothing but read its predictions file: started first, it reads while the
  // data files are fingerprinted (a worker thread hashes them). Its errors still surface where every
  // runner's do, once the run is planned; a run stopped before that closes it.
  const early = replaysPredictions(options) ? openRunner(options) : undefined;
  early?.catch(() => {});
  const handoff: RunnerHandoff = { early, taken: false };
  const reading: ReadAhead = {};
  try {
    return await planAndEvaluate(options, handoff, reading);
  } finally {
    await reading.prefetch?.close();
    if (early && !handoff.taken) await early.then((runner) => runner.close(), () => {});
  }
}

/** The first task's samples, opened ahead of the loop (closed here if the loop never took them). */
interface ReadAhead {
  prefetch?: SamplePrefetch;
}

/** A runner created before planning, for evaluateWith to take over (and then close). */
interface RunnerHandoff {
  early: Promise<Runner> | undefined;
  taken: boolean;
}

/** The model answers from a predictions file (`score`, `replay:`): no model to load, no data preflight. */
function replaysPredictions(options: EvaluateOptions): boolean {
  return findBackend(options.model)?.capabilities.replaysPredictions === true;
}

function openRunner(options: EvaluateOptions): Promise<Runner> {
  return createRunner(options.model, options.runnerOptions, {
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.tasks.length === 1 ? { task: options.tasks[0] } : {}),
  });
}

async function planAndEvaluate(options: EvaluateOptions, handoff: RunnerHandoff, reading: ReadAhead): Promise<EvaluationResult> {
  const emit = options.onEvent ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  // First, while the process is small: it asks git for the commit, and starting a child process costs
  // more the more memory this one holds (~35 ms at the 300 MB of a 214k-question run).
  const environment = describeEnvironment();
  const preset = getPreset(options.protocol);
  const shots = resolveShots(options, preset);
  const seeds = resolveSeeds(options);
  const drafts = options.tasks.map((id) => draftTask(id, options.split, options.data, options.answerBy));
  // Replaying predictions (`score`, `replay:`) skips the data preflight below: the first task's samples
  // start loading now, beside the fingerprinting and the predictions' reading (a big VQA split reads in
  // a worker thread). A run with a preflight opens them after it, while its runner is created.
  const preflight = !replaysPredictions(options) || options.countTotals === true;
  if (!preflight && drafts.length > 0) reading.prefetch = new SamplePrefetch(drafts[0]!, selectionOf(options));
  const planned: PlannedTask[] = [];
  for (const draft of drafts) planned.push(await planDraft(draft));
  for (const task of planned) {
    if (task.record.bundledSample) {
      emit({ type: 'notice', level: 'warning', message: `${task.record.id}: no --data given, using the bundled SYNTHETIC sample (${task.record.dataDir}); its numbers say nothing about real benchmark performance` });
    }
  }
  const needsDemos = shots.some((count) => demosNeeded(preset, count) > 0);
  const hasVideo = planned.some((task) => task.adapter.modality === 'video');
  const graderProtocol = graderProtocolOf(planned);
  if (options.judge && !hasVideo && !graderProtocol) {
    throw new ConfigError("--judge grades video QA (Video-ChatGPT's protocol) and LLM-graded tasks (mm-vet); none of the tasks is one", true);
  }
  if (options.judgeRuns !== undefined && !graderProtocol) {
    throw new ConfigError('--judge-runs sets the grading runs of LLM-graded tasks (mm-vet); none of the tasks is one', true);
  }
  if (graderProtocol && !options.judge) {
    const graded = planned.filter((task) => scoringRules[task.adapter.evaluator]?.grader !== undefined).map((task) => task.record.id);
    throw new ConfigError(`${graded.join(', ')}: scored by an LLM grader; give --judge openai:<URL> --judge-model <NAME> (the paper's grader is ${MM_VET_GRADER_MODEL})`, true);
  }
  // Every data problem (a duplicate id deep in a 100 MB file included) surfaces here, before a
  // runner, a judge or a run directory exists. Replaying predictions (`score`, `replay:`) costs no
  // more than this pass, so there it runs only to give a progress bar its total.
  const totals = preflight ? await preflightTasks(planned, selectionOf(options)) : new Map<PlannedTask, number>();
  if (!reading.prefetch && planned.length > 0) reading.prefetch = new SamplePrefetch(planned[0]!, selectionOf(options));
  const judge = options.judge && hasVideo ? await openLlmJudge(options.judge) : undefined;
  let grader: TaskGrader | undefined;
  try {
    grader = options.judge && graderProtocol ? await openTaskGrader(options.judge, graderProtocol, options.judgeRuns ?? MM_VET_DEFAULT_RUNS) : undefined;
  } catch (error) {
    await judge?.close();
    throw error;
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
    // Recorded only when it departs from the default, so the hashes of earlier runs stay as they were.
    ...(options.gqaAnswers === 'llava' ? { gqaAnswers: 'llava' as const } : {}),
    ...(options.answerBy === 'likelihood' ? { answerBy: 'likelihood' as const } : {}),
    shots,
    seeds,
    ...(needsDemos ? { demos: options.demos ?? 'random' } : {}),
    ...(needsDemos && options.demos === 'rices' && options.ricesEncoder ? { ricesEncoder: options.ricesEncoder } : {}),
    maxNewTokens: options.maxNewTokens ?? preset.maxNewTokens,
    numBeams: options.numBeams ?? preset.numBeams,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(planned.some((task) => task.adapter.modality === 'video')
      ? { video: { frames: options.frames ?? preset.videoFrames, sampler: options.frameSampler ?? 'uniform' } }
      : {}),
    ...(judge ? { judge: judge.identity } : {}),
    ...(grader ? { grader: grader.identity } : {}),
    ...(options.runnerOptions && Object.keys(options.runnerOptions).length > 0 ? { runnerOptions: { ...options.runnerOptions } } : {}),
  };
  for (const task of planned) task.record.scoringRule = scoringRuleOf(task, config);
  const configHash = configHashOf(config, planned.map((task) => task.record), options.kind);
  const runId = options.runId ?? defaultRunId(options.tasks, options.model, configHash);
  if (!/^[a-zA-Z0-9._+-]+$/.test(runId)) throw new ConfigError(`--run-id "${runId}": use letters, digits, '.', '_', '+' and '-' only`, true);

  try {
    return await evaluateWith(options, { preset, planned, totals, config, configHash, runId, needsDemos, judge, grader, environment, prefetch: reading.prefetch, emit, signal }, handoff);
  } finally {
    await Promise.all([judge?.close(), grader?.close()]);
  }
}

/** The grader protocol of the run's LLM-graded tasks (one protocol per run: only MM-Vet's exists). */
function graderProtocolOf(planned: readonly PlannedTask[]): string | undefined {
  for (const task of planned) {
    const protocol = scoringRules[task.adapter.evaluator]?.grader;
    if (protocol !== undefined) return protocol;
  }
  return undefined;
}

function selectionOf(options: EvaluateOptions): SelectionOptions {
  return { limit: options.limit, shard: options.shard, textOnly: options.textOnly };
}

interface Prepared {
  preset: ProtocolPreset;
  planned: PlannedTask[];
  /** Selected samples per task, counted by the preflight. */
  totals: Map<PlannedTask, number>;
  config: RunConfig;
  configHash: string;
  runId: string;
  needsDemos: boolean;
  judge?: LlmJudge;
  grader?: TaskGrader;
  environment: ReturnType<typeof describeEnvironment>;
  prefetch?: SamplePrefetch;
  emit: (event: EngineEvent) => void;
  signal: AbortSignal;
}

async function evaluateWith(options: EvaluateOptions, prepared: Prepared, handoff: RunnerHandoff): Promise<EvaluationResult> {
  const { preset, planned, totals, config, configHash, runId, needsDemos, judge, grader, environment, prefetch, emit, signal } = prepared;
  handoff.taken = true;
  const runner: Runner = await (handoff.early ?? openRunner(options));
  try {
    requireRequestKinds(runner, options.model, planned);
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
      protocol: { ...preset, extraction: config.extraction, maxNewTokens: config.maxNewTokens, numBeams: config.numBeams },
      environment,
      warnings,
      createdAt: now,
      updatedAt: now,
      attempts: 1,
    };
    // Lock before opening: a process refused by the lock must not rewrite the run.json (status,
    // attempts, command) of the run another process is writing.
    const lockedDirectory = path.resolve(options.outDir, runId);
    mkdirSync(lockedDirectory, { recursive: true });
    const release = acquireRunLock(lockedDirectory);
    let opened: OpenedRun;
    try {
      opened = openRunDirectory(options.outDir, fresh);
    } catch (error) {
      release();
      throw error;
    }
    const { runDirectory, record, resumed } = opened;
    for (const note of runner.notes ?? []) emit({ type: 'notice', level: 'warning', message: note });
    for (const warning of warnings) emit({ type: 'notice', level: 'warning', message: warning });
    try {
      const selectors = new Map<PlannedTask, DemoSelector>();
      if (needsDemos) {
        for (const task of planned) {
          selectors.set(task, await createDemoSelector(task, config, { model: options.model, runnerOptions: options.runnerOptions, selection: options, emit }));
        }
      }
      const units = planUnits(planned, config, preset, selectors);
      const metricsInput = await runEvaluationLoop(
        {
          runner,
          units,
          config,
          runDirectory,
          selection: selectionOf(options),
          batchSize: options.batchSize,
          retryErrors: options.retryErrors,
          totals,
          prepareFor: (task) => videoPreparation(task, config, preset),
          judge,
          grader,
          prefetch,
          signal,
          emit,
        },
        options.maxNewTokens !== undefined,
      );
      const metrics = await computeMetrics(runDirectory, units, config, metricsInput);
      writeMetricsRecord(runDirectory, metrics);
      const interrupted = signal.aborted;
      const final: RunRecord = { ...record, status: interrupted ? 'interrupted' : 'finished', ...(interrupted ? {} : { finishedAt: new Date().toISOString() }) };
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

/**
 * A task of the `loglik` request kind needs a runner that scores continuations: refused before the run
 * directory exists, naming the model, its runner and the task.
 */
export function requireRequestKinds(runner: Runner, model: string, planned: readonly PlannedTask[]): void {
  if (runner.scoreContinuations) return;
  const loglik = planned.filter((task) => task.adapter.request?.kind === 'loglik').map((task) => task.record.id);
  if (loglik.length === 0) return;
  throw new ConfigError(
    `${loglik.join(', ')}: scored by the log-likelihood of given continuations (loglik request kind), which the model ${model} (runner ${runner.id}) cannot compute; use a runner that implements scoreContinuations`,
  );
}

/** Video parts arrive as one video file; the model sees the sampled frames (decoded ahead, cached on disk). */
async function videoPreparation(task: PlannedTask, config: RunConfig, preset: ProtocolPreset): Promise<PrepareRequest | undefined> {
  if (task.adapter.modality !== 'video' || !config.video) return undefined;
  const video = config.video;
  const { prepareVideoParts } = await import('../runners/media/prepare-video-parts.js');
  return (request) => prepareVideoParts(request, { frames: video.frames, sampler: video.sampler, imageSize: preset.imageSize });
}
