import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ExtractionStrategy } from '../scoring/extract.js';
import { SAMPLES_FILE } from '../artifact/run-directory.js';
import { dropErrorSamples, readSampleRecords, SamplesLog, sampleKey } from '../artifact/samples-log.js';
import type { RunConfig, SampleJudgement, SampleRecord } from '../artifact/schema.js';
import { sampleJudgement } from '../scoring/judge/judge-summary.js';
import type { LlmJudge } from '../scoring/judge/llm-judge.js';
import type { GradeOutcome, TaskGrader } from '../scoring/judge/task-grader.js';
import { scoringRules } from '../scoring/metrics/index.js';
import { recordedMeta, scoreAnswer, scoreOutput, type ScoringSettings } from '../scoring/score-sample.js';
import { buildRequest } from '../tasks/prompts/build-request.js';
import { demosNeeded, getPreset, presetForTask, type ProtocolPreset } from '../tasks/prompts/presets.js';
import type { Sample, TaskRequestKind } from '../core/contracts/task.js';
import type { LoglikOutput, Output, Request, Runner } from '../core/contracts/runner.js';
import { runInBatches } from './batch-pipeline.js';
import type { DemoSelector } from './fewshot/demo-selector.js';
import type { EngineEvent } from './events.js';
import { FailFastGuard, firstWaveSize } from './fail-fast.js';
import { fitToContext, type FittedPrompt } from './fit-to-context.js';
import { promptHash } from './prompt-hash.js';
import { MetricsInput } from './metrics-input.js';
import type { SamplePrefetch } from './sample-prefetch.js';
import { generatePrepared, scorePrepared, type PrepareRequest } from './generate-prepared.js';
import { scoringRuleOf, selectSamples, type PlannedTask, type SelectionOptions } from './plan.js';

/** One pass over a task's samples: a shot count and, for random demonstrations, one seed. */
export interface EvaluationUnit {
  task: PlannedTask;
  shots: number;
  trial: number;
  seed: number;
  demos?: DemoSelector;
}

export interface LoopContext {
  runner: Runner;
  units: EvaluationUnit[];
  config: RunConfig;
  runDirectory: string;
  selection: SelectionOptions;
  batchSize?: number;
  retryErrors?: boolean;
  /** Selected samples per task (from the preflight), for progress totals. */
  totals?: ReadonlyMap<PlannedTask, number>;
  prepareFor: (task: PlannedTask) => Promise<PrepareRequest | undefined>;
  /** Video QA's optional LLM judge: every answered sample also gets its verdict. */
  judge?: LlmJudge;
  /** LLM-graded tasks' grader (MM-Vet): it gives every answered sample its score. */
  grader?: TaskGrader;
  /** A task's samples opened ahead: the first unit of that task reads them. */
  prefetch?: SamplePrefetch;
  signal: AbortSignal;
  emit: (event: EngineEvent) => void;
}

/**
 * The samples already in the log — by unit (the sampleKey prefix of its task, shots and trial), their
 * ids — and whether any of them succeeded; each record is also folded into `input`.
 */
async function finishedSamples(file: string, input: MetricsInput): Promise<{ byUnit: Map<string, Set<string>>; anySucceeded: boolean }> {
  const byUnit = new Map<string, Set<string>>();
  let anySucceeded = false;
  if (!existsSync(file)) return { byUnit, anySucceeded };
  let last: { task: string; shots: number; trial: number; ids: Set<string> } | undefined;
  for await (const record of readSampleRecords(file)) {
    if (!last || last.task !== record.task || last.shots !== record.shots || last.trial !== record.trial) {
      const prefix = unitPrefix(record.task, record.shots, record.trial);
      const ids = byUnit.get(prefix) ?? new Set<string>();
      byUnit.set(prefix, ids);
      last = { task: record.task, shots: record.shots, trial: record.trial, ids };
    }
    last.ids.add(record.sampleId);
    if (record.finishReason !== 'error') anySucceeded = true;
    input.add(record);
  }
  return { byUnit, anySucceeded };
}

/** sampleKey of a unit's samples up to the sample id. */
function unitPrefix(task: string, shots: number, trial: number): string {
  return sampleKey({ task, sampleId: '', shots, trial });
}

/** A sample's result as recorded: generated (tokens) or scored continuations (loglik, binary). */
interface ResultFields {
  output: string;
  finishReason: Output['finishReason'];
  extracted: string;
  score: number | null;
  error?: string;
  latencyMs: number;
  tokens?: number;
  cached?: true;
  loglik?: SampleRecord['loglik'];
  binary?: SampleRecord['binary'];
}

/**
 * The record fields of a generated answer: the output, what was extracted from it, its score, in
 * samples.jsonl's key order (optional ones only when present), without spreads: once per sample.
 */
function generatedFields(sample: Sample, output: Output, settings: ScoringSettings): ResultFields {
  const { extracted, score } = scoreOutput(sample, output, settings);
  const latencyMs = Math.round(output.latencyMs * 1000) / 1000;
  const fields: ResultFields = output.error
    ? { output: output.text, finishReason: output.finishReason, extracted, score, error: output.error, latencyMs }
    : { output: output.text, finishReason: output.finishReason, extracted, score, latencyMs };
  if (output.tokens !== undefined) fields.tokens = output.tokens;
  if (output.cached) fields.cached = true;
  return fields;
}

/** A zero-shot prompt's demonstrations and a record's demoIds: shared, never changed (one array less per sample). */
const NO_DEMOS: Sample[] = Object.freeze([]) as unknown as Sample[];
const NO_DEMO_IDS: string[] = Object.freeze([]) as unknown as string[];

interface RecordHead {
  task: string;
  sampleId: string;
  shots: number;
  trial: number;
  demoIds: string[];
  /** Recorded only when some were dropped. */
  demosDropped: number;
  promptHash: string;
}

/**
 * One samples.jsonl record: the head, the result's fields, the sample's meta, then its scores and
 * verdicts when it has them. Built key by key in that order (JSON.stringify keeps insertion order; a
 * grading's score replaces the result's in place), not by spreading: this runs once per sample.
 */
function sampleRecord(head: RecordHead, result: ResultFields, meta: Record<string, string>, judge?: SampleJudgement, grade?: GradeOutcome): SampleRecord {
  if (head.demosDropped === 0 && result.error === undefined && result.tokens === undefined && result.cached === undefined && !result.loglik && !result.binary && !judge && !grade) {
    // The usual record, with none of the optional fields: one literal, one shape for all of them.
    const { task, sampleId, shots, trial, demoIds, promptHash } = head;
    return { task, sampleId, shots, trial, demoIds, promptHash, output: result.output, finishReason: result.finishReason, extracted: result.extracted, score: result.score, latencyMs: result.latencyMs, meta };
  }
  const record: Record<string, unknown> = { task: head.task, sampleId: head.sampleId, shots: head.shots, trial: head.trial, demoIds: head.demoIds };
  if (head.demosDropped > 0) record.demosDropped = head.demosDropped;
  record.promptHash = head.promptHash;
  record.output = result.output;
  record.finishReason = result.finishReason;
  record.extracted = result.extracted;
  record.score = result.score;
  if (result.error !== undefined) record.error = result.error;
  record.latencyMs = result.latencyMs;
  if (result.tokens !== undefined) record.tokens = result.tokens;
  if (result.cached !== undefined) record.cached = result.cached;
  record.meta = meta;
  if (result.loglik) record.loglik = result.loglik;
  if (result.binary) record.binary = result.binary;
  if (judge) record.judge = judge;
  if (grade) {
    record.score = grade.score;
    record.grades = grade.grades;
    if (grade.error) record.error = grade.error;
  }
  return record as SampleRecord;
}

/** The record fields of scored continuations: their log-likelihoods, and the task's prediction from them as output and answer. */
function loglikFields(sample: Sample, output: LoglikOutput, continuations: string[], kind: Extract<TaskRequestKind, { kind: 'loglik' }>, settings: ScoringSettings): ResultFields {
  const timing = { latencyMs: Math.round(output.latencyMs * 1000) / 1000, ...(output.cached ? { cached: true as const } : {}) };
  // A binary classification keeps its gold label even on errors: ROC AUC's ALL view ranks them as wrong.
  const label = kind.binary?.label(sample);
  const failed = (error: string) => ({ output: '', finishReason: 'error' as const, extracted: '', score: null, error, ...timing, ...(label !== undefined ? { binary: { label } } : {}) });
  if (output.error !== undefined || output.logprobs.length !== continuations.length) {
    return failed(output.error ?? `the runner returned ${output.logprobs.length} log-probabilities for ${continuations.length} continuations`);
  }
  // JSON has no -Infinity or NaN: such a value would not survive samples.jsonl, and no metric can rank it.
  if (!output.logprobs.every(Number.isFinite)) return failed(`the runner returned a log-probability that is not a finite number (${output.logprobs.join(', ')})`);
  const scores = { continuations, logprobs: output.logprobs, tokens: output.tokens };
  const positiveScore = kind.binary?.score(scores, sample);
  if (positiveScore !== undefined && !Number.isFinite(positiveScore)) return failed(`the task's positive-class score is not a finite number (${positiveScore})`);
  const prediction = kind.predict(scores, sample);
  return {
    output: prediction,
    finishReason: 'stop' as const,
    extracted: prediction,
    score: scoreAnswer(sample, prediction, settings.rule),
    ...timing,
    loglik: { continuations, logprobs: [...output.logprobs], tokens: [...output.tokens] },
    ...(label !== undefined && positiveScore !== undefined ? { binary: { label, score: positiveScore } } : {}),
  };
}

/** The judge's verdict for every sample the model answered (a failed call is recorded as such, never as "no"). */
async function judgeOutputs(judge: LlmJudge, batch: Sample[], outputs: Output[], signal: AbortSignal): Promise<Map<string, SampleJudgement>> {
  const items = batch.flatMap((sample, index) => {
    const output = outputs[index];
    if (!output || output.finishReason === 'error' || sample.answers.length === 0) return [];
    return [{ sampleId: sample.id, question: sample.question, answer: sample.answers[0]!, prediction: output.text.trim() }];
  });
  if (items.length === 0) return new Map();
  const outcomes = await judge.judge(items, signal);
  return new Map(outcomes.map((outcome) => [outcome.sampleId, sampleJudgement(outcome)]));
}

/** The grader's outcome for every sample the model answered; `question` is the dataset's, not the prompt. */
async function gradeOutputs(grader: TaskGrader, batch: Sample[], outputs: Output[], signal: AbortSignal): Promise<Map<string, GradeOutcome>> {
  const items = batch.flatMap((sample, index) => {
    const output = outputs[index];
    if (!output || output.finishReason === 'error' || sample.answers.length === 0) return [];
    return [{ sampleId: sample.id, question: sample.question, answer: sample.answers[0]!, prediction: output.text }];
  });
  if (items.length === 0) return new Map();
  const outcomes = await grader.grade(items, signal);
  return new Map(outcomes.map((outcome) => [outcome.sampleId, outcome]));
}

export function maxNewTokensFor(task: PlannedTask, config: RunConfig, preset: ProtocolPreset, override: boolean): number {
  if (override) return config.maxNewTokens;
  return task.adapter.prompts?.[preset.id]?.maxNewTokens ?? preset.maxNewTokensByTask?.[task.record.id] ?? config.maxNewTokens;
}

/**
 * Every unit's samples → requests (with demonstrations) → runner (generate, or score the task's
 * continuations for the `loglik` request kind) → extract and score → one line each in samples.jsonl, appended as each batch finishes. Samples already in the log are skipped, so
 * rerunning the same command resumes. A run whose first samples all fail with one same error stops
 * (fail-fast.ts).
 *
 * Returns the metrics input folded from the whole log as it stands at the end: the records it held
 * before and those written now.
 */
export async function runEvaluationLoop(context: LoopContext, maxNewTokensOverride: boolean): Promise<MetricsInput> {
  const { runner, config, runDirectory, signal, emit } = context;
  const preset = getPreset(config.protocol);
  const samplesFile = path.join(runDirectory, SAMPLES_FILE);
  if (context.retryErrors) {
    const dropped = await dropErrorSamples(samplesFile);
    emit({ type: 'notice', level: 'info', message: `--retry-errors: ${dropped} error sample(s) will be attempted again` });
  }
  const log = new SamplesLog(samplesFile);
  // Every record of the log — those there before, then each one as it is written — is folded into the
  // metrics input, so metrics are computed without reading the file back.
  const input = new MetricsInput(context.units);
  const { byUnit: done, anySucceeded } = await finishedSamples(samplesFile, input);
  const batchSizeOf = () => context.batchSize ?? runner.batchSize ?? 8;
  const guard = new FailFastGuard(firstWaveSize(batchSizeOf(), runner.maxInFlight ?? 1), anySucceeded, (records) => {
    log.appendAll(records);
    for (const record of records) input.add(record);
  });
  let completed = false;
  try {
    for (const unit of context.units) {
      if (signal.aborted) break;
      const { task, shots, trial } = unit;
      // This unit's finished sample ids: those in the log before, then each one as it is recorded.
      const finished = done.get(unitPrefix(task.record.id, shots, trial)) ?? new Set<string>();
      const alreadyDone = finished.size;
      const label = shots > 0 || context.units.length > 1 ? `${task.record.id} ${shots}-shot${trial > 0 ? ` trial ${trial + 1}` : ''}` : task.record.id;
      emit({ type: 'task-start', task: label, split: task.record.split, total: context.totals?.get(task) ?? null, alreadyDone });
      const settings: ScoringSettings = {
        rule: scoringRuleOf(task, config),
        extraction: config.extraction as ExtractionStrategy,
        ...(task.adapter.parseAnswer ? { parseAnswer: task.adapter.parseAnswer } : {}),
      };
      const requestKind: TaskRequestKind = task.adapter.request ?? { kind: 'generate' };
      const taskPreset = presetForTask(preset, task.adapter);
      const generation = { maxNewTokens: maxNewTokensFor(task, config, preset, maxNewTokensOverride), numBeams: config.numBeams };
      const demoCount = demosNeeded(preset, shots);
      const textOnlyDemos = shots === 0 && demoCount > 0;
      const prepare = await context.prepareFor(task);
      const batchSize = batchSizeOf();
      const opened = context.prefetch?.taskId === task.record.id ? context.prefetch.take() : undefined;
      await runInBatches(selectSamples(task, context.selection, finished, opened), { batchSize, maxInFlight: runner.maxInFlight ?? 1, signal }, async (batch) => {
        const prompts =
          demoCount > 0 && unit.demos
            ? await Promise.all(
                batch.map((sample) => fitToContext(runner, unit.demos!.select(sample, demoCount, unit.seed), (kept) => buildRequest(sample, taskPreset, generation, kept, { textOnlyDemos }))),
              )
            : // No demonstrations to drop: each prompt is the sample's own.
              batch.map((sample): FittedPrompt => ({ request: buildRequest(sample, taskPreset, generation), demos: NO_DEMOS, dropped: 0 }));
        const requests = prompts.map((prompt) => prompt.request);
        let results: ResultFields[];
        let verdicts = new Map<string, SampleJudgement>();
        let grades = new Map<string, GradeOutcome>();
        let continuationsOf = new Map<string, string[]>();
        if (requestKind.kind === 'loglik') {
          continuationsOf = new Map(batch.map((sample) => [sample.id, requestKind.continuations(sample)]));
          const outputs = await scorePrepared(runner, requests, continuationsOf, prepare, signal);
          results = batch.map((sample, index) => loglikFields(sample, outputs[index]!, continuationsOf.get(sample.id)!, requestKind, settings));
        } else {
          const outputs: Output[] = await generatePrepared(runner, requests, prepare, signal);
          if (context.judge && task.adapter.modality === 'video') verdicts = await judgeOutputs(context.judge, batch, outputs, signal);
          if (context.grader && scoringRules[settings.rule]?.grader !== undefined) grades = await gradeOutputs(context.grader, batch, outputs, signal);
          results = batch.map((sample, index) => generatedFields(sample, outputs[index]!, settings));
        }
        const records: SampleRecord[] = [];
        // Most runs have no continuations, verdicts or grades: no lookup per sample then.
        const continuationOf = (id: string) => (continuationsOf.size > 0 ? continuationsOf.get(id) : undefined);
        const verdictOf = (id: string) => (verdicts.size > 0 ? verdicts.get(id) : undefined);
        const gradeOf = (id: string) => (grades.size > 0 ? grades.get(id) : undefined);
        batch.forEach((sample, index) => {
          const result = results[index];
          // An output or a grading cut short by Ctrl-C is not a result: leave it for the resumed run.
          const gradingCut = signal.aborted && gradeOf(sample.id)?.grades.some((grade) => 'error' in grade) === true;
          if (!result || (signal.aborted && result.finishReason === 'error') || gradingCut) return;
          // A sample id the stream repeats is recorded once (readers report duplicates; this keeps the
          // log's keys unique): one Set operation, the size telling whether the id was there.
          const before = finished.size;
          finished.add(sample.id);
          if (finished.size === before) return;
          const prompt = prompts[index]!;
          const head: RecordHead = {
            task: task.record.id,
            sampleId: sample.id,
            shots,
            trial,
            demoIds: prompt.demos.length > 0 ? prompt.demos.map((demo) => demo.id) : NO_DEMO_IDS,
            demosDropped: prompt.dropped,
            promptHash: promptHash(prompt.request, task.record.dataDir, continuationOf(sample.id)),
          };
          records.push(sampleRecord(head, result, recordedMeta(sample, task.adapter.recordMeta), verdictOf(sample.id), gradeOf(sample.id)));
        });
        guard.accept(records);
        emit({ type: 'progress', task: label, completed: batch.length });
      });
      emit({ type: 'task-end', task: label });
    }
    completed = true;
  } finally {
    // A run cut short (Ctrl-C, a runner failure) keeps the errors it held back; one that ran out of
    // samples while every one failed the same way stops here.
    try {
      guard.finish(!completed || signal.aborted);
    } finally {
      log.close();
    }
  }
  return input;
}
