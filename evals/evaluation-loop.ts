import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ExtractionStrategy } from '../scoring/extract.js';
import { SAMPLES_FILE } from '../artifact/run-directory.js';
import { dropErrorSamples, readSampleRecords, SamplesLog, sampleKey } from '../artifact/samples-log.js';
import type { RunConfig, SampleJudgement, SampleRecord } from '../artifact/schema.js';
import { sampleJudgement } from '../scoring/judge/judge-summary.js';
import type { LlmJudge } from '../scoring/judge/llm-judge.js';
import { breakdownMeta, scoreOutput } from '../scoring/score-sample.js';
import { buildRequest } from '../tasks/prompts/build-request.js';
import { demosNeeded, getPreset, type ProtocolPreset } from '../tasks/prompts/presets.js';
import type { Sample } from '../core/contracts/task.js';
import type { Output, Request, Runner } from '../core/contracts/runner.js';
import { runInBatches } from './batch-pipeline.js';
import type { DemoSelector } from './fewshot/demo-selector.js';
import type { EngineEvent } from './events.js';
import { FailFastGuard, firstWaveSize } from './fail-fast.js';
import { fitToContext, type FittedPrompt } from './fit-to-context.js';
import { promptHash } from './prompt-hash.js';
import { generatePrepared, type PrepareRequest } from './generate-prepared.js';
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

/**
 * One line of samples.jsonl. Optional fields are added in place, in the schema's order, rather than
 * spread in (this runs once per sample; the key order is part of the file's bytes).
 */
function sampleRecord(
  sample: Sample,
  output: Output,
  prompt: FittedPrompt,
  unit: { task: string; shots: number; trial: number; dataDir: string },
  scored: { extracted: string; score: number | null },
  verdict: SampleJudgement | undefined,
): SampleRecord {
  const record: SampleRecord = { task: unit.task, sampleId: sample.id, shots: unit.shots, trial: unit.trial, demoIds: prompt.demos.map((demo) => demo.id) } as SampleRecord;
  if (prompt.dropped > 0) record.demosDropped = prompt.dropped;
  record.promptHash = promptHash(prompt.request, unit.dataDir);
  record.output = output.text;
  record.finishReason = output.finishReason;
  record.extracted = scored.extracted;
  record.score = scored.score;
  if (output.error) record.error = output.error;
  record.latencyMs = Math.round(output.latencyMs * 1000) / 1000;
  if (output.tokens !== undefined) record.tokens = output.tokens;
  if (output.cached) record.cached = true;
  record.meta = breakdownMeta(sample);
  if (verdict !== undefined) record.judge = verdict;
  return record;
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

export function maxNewTokensFor(task: PlannedTask, config: RunConfig, preset: ProtocolPreset, override: boolean): number {
  return override ? config.maxNewTokens : (preset.maxNewTokensByTask?.[task.record.id] ?? config.maxNewTokens);
}

/**
 * Every unit's samples → requests (with demonstrations) → runner → extract and score → one line each
 * in samples.jsonl, appended as each batch finishes. Samples already in the log are skipped, so
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
      const settings = { rule: scoringRuleOf(task, config), extraction: config.extraction as ExtractionStrategy };
      const generation = { maxNewTokens: maxNewTokensFor(task, config, preset, maxNewTokensOverride), numBeams: config.numBeams };
      const demoCount = demosNeeded(preset, shots);
      const textOnlyDemos = shots === 0 && demoCount > 0;
      const prepare = await context.prepareFor(task);
      const batchSize = batchSizeOf();
      await runInBatches(pending(), { batchSize, maxInFlight: runner.maxInFlight ?? 1, signal }, async (batch) => {
        const prompts = await Promise.all(
          batch.map((sample) => {
            const demos = demoCount > 0 && unit.demos ? unit.demos.select(sample, demoCount, unit.seed) : [];
            return fitToContext(runner, demos, (kept) => buildRequest(sample, preset, generation, kept, { textOnlyDemos }));
          }),
        );
        const outputs: Output[] = await generatePrepared(runner, prompts.map((prompt) => prompt.request), prepare, signal);
        const verdicts = context.judge && task.adapter.modality === 'video' ? await judgeOutputs(context.judge, batch, outputs, signal) : new Map();
        const records: SampleRecord[] = [];
        batch.forEach((sample, index) => {
          const output = outputs[index];
          // An output cut short by Ctrl-C is not a result: leave it for the resumed run.
          if (!output || (signal.aborted && output.finishReason === 'error')) return;
          const prompt = prompts[index]!;
          records.push(sampleRecord(sample, output, prompt, { task: task.record.id, shots, trial, dataDir: task.record.dataDir }, scoreOutput(sample, output, settings), verdicts.get(sample.id)));
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
