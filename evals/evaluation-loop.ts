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
import { fitToContext } from './fit-to-context.js';
import { promptHash } from './prompt-hash.js';
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
  signal: AbortSignal;
  emit: (event: EngineEvent) => void;
}

/** Keys of the samples already in the log, and whether any of them succeeded. */
async function finishedKeys(file: string): Promise<{ keys: Set<string>; anySucceeded: boolean }> {
  const keys = new Set<string>();
  let anySucceeded = false;
  if (!existsSync(file)) return { keys, anySucceeded };
  for await (const record of readSampleRecords(file)) {
    keys.add(sampleKey(record));
    if (record.finishReason !== 'error') anySucceeded = true;
  }
  return { keys, anySucceeded };
}

/** The record fields of a generated answer: the output, what was extracted from it, its score. */
function generatedFields(sample: Sample, output: Output, settings: ScoringSettings) {
  const { extracted, score } = scoreOutput(sample, output, settings);
  return {
    output: output.text,
    finishReason: output.finishReason,
    extracted,
    score,
    ...(output.error ? { error: output.error } : {}),
    latencyMs: Math.round(output.latencyMs * 1000) / 1000,
    ...(output.tokens !== undefined ? { tokens: output.tokens } : {}),
    ...(output.cached ? { cached: true } : {}),
  };
}

/** The record fields of scored continuations: their log-likelihoods, and the task's prediction from them as output and answer. */
function loglikFields(sample: Sample, output: LoglikOutput, continuations: string[], kind: Extract<TaskRequestKind, { kind: 'loglik' }>, settings: ScoringSettings) {
  const timing = { latencyMs: Math.round(output.latencyMs * 1000) / 1000, ...(output.cached ? { cached: true } : {}) };
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

/** A graded sample's record fields: the mean grade as its score, every grading, and why there is no score if none succeeded. */
function gradedFields(outcome: GradeOutcome) {
  return { score: outcome.score, grades: outcome.grades, ...(outcome.error ? { error: outcome.error } : {}) };
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
 * Returns the records written when the log held none before: then they are the whole log, in its
 * order, and metrics can be computed from them without reading the file back. Undefined on a resume.
 */
export async function runEvaluationLoop(context: LoopContext, maxNewTokensOverride: boolean): Promise<SampleRecord[] | undefined> {
  const { runner, config, runDirectory, signal, emit } = context;
  const preset = getPreset(config.protocol);
  const samplesFile = path.join(runDirectory, SAMPLES_FILE);
  if (context.retryErrors) {
    const dropped = await dropErrorSamples(samplesFile);
    emit({ type: 'notice', level: 'info', message: `--retry-errors: ${dropped} error sample(s) will be attempted again` });
  }
  const log = new SamplesLog(samplesFile);
  const { keys: done, anySucceeded } = await finishedKeys(samplesFile);
  const written: SampleRecord[] | undefined = done.size === 0 ? [] : undefined;
  const batchSizeOf = () => context.batchSize ?? runner.batchSize ?? 8;
  const guard = new FailFastGuard(firstWaveSize(batchSizeOf(), runner.maxInFlight ?? 1), anySucceeded, (records) => {
    log.appendAll(records);
    if (written) for (const record of records) written.push(record);
  });
  let completed = false;
  try {
    for (const unit of context.units) {
      if (signal.aborted) break;
      const { task, shots, trial } = unit;
      // sampleKey of this unit's samples: the unit's prefix, then the sample id.
      const prefix = sampleKey({ task: task.record.id, sampleId: '', shots, trial });
      const keyOf = (sample: Sample) => prefix + sample.id;
      const alreadyDone = [...done].filter((key) => key.startsWith(prefix)).length;
      const label = shots > 0 || context.units.length > 1 ? `${task.record.id} ${shots}-shot${trial > 0 ? ` trial ${trial + 1}` : ''}` : task.record.id;
      emit({ type: 'task-start', task: label, split: task.record.split, total: context.totals?.get(task) ?? null, alreadyDone });
      async function* pending(): AsyncGenerator<Sample> {
        for await (const sample of selectSamples(task, context.selection)) if (!done.has(keyOf(sample))) yield sample;
      }
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
      await runInBatches(pending(), { batchSize, maxInFlight: runner.maxInFlight ?? 1, signal }, async (batch) => {
        const prompts = await Promise.all(
          batch.map((sample) => {
            const demos = demoCount > 0 && unit.demos ? unit.demos.select(sample, demoCount, unit.seed) : [];
            return fitToContext(runner, demos, (kept) => buildRequest(sample, taskPreset, generation, kept, { textOnlyDemos }));
          }),
        );
        const requests = prompts.map((prompt) => prompt.request);
        let results: Array<ReturnType<typeof generatedFields> | ReturnType<typeof loglikFields>>;
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
        batch.forEach((sample, index) => {
          const result = results[index];
          // An output or a grading cut short by Ctrl-C is not a result: leave it for the resumed run.
          const gradingCut = signal.aborted && grades.get(sample.id)?.grades.some((grade) => 'error' in grade) === true;
          if (!result || (signal.aborted && result.finishReason === 'error') || gradingCut) return;
          const prompt = prompts[index]!;
          const { loglik, binary, ...fields } = { loglik: undefined, binary: undefined, ...result };
          const record: SampleRecord = {
            task: task.record.id,
            sampleId: sample.id,
            shots,
            trial,
            demoIds: prompt.demos.map((demo) => demo.id),
            ...(prompt.dropped > 0 ? { demosDropped: prompt.dropped } : {}),
            promptHash: promptHash(prompt.request, task.record.dataDir, continuationsOf.get(sample.id)),
            ...fields,
            meta: recordedMeta(sample, task.adapter.recordMeta),
            ...(loglik ? { loglik } : {}),
            ...(binary ? { binary } : {}),
            ...(verdicts.has(sample.id) ? { judge: verdicts.get(sample.id) } : {}),
            ...(grades.has(sample.id) ? gradedFields(grades.get(sample.id)!) : {}),
          };
          records.push(record);
          done.add(keyOf(sample));
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
  return written;
}
