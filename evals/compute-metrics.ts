import path from 'node:path';
import { aggregate } from '../scoring/aggregate.js';
import { scoredUnits } from '../scoring/scored-units.js';
import { populationStd } from '../scoring/stats.js';
import { SAMPLES_FILE } from '../artifact/run-directory.js';
import { readSampleRecords } from '../artifact/samples-log.js';
import { SCHEMA_VERSION, type MetricsRecord, type RunConfig, type TaskMetrics, type TrialSummary } from '../artifact/schema.js';
import { MetricsInput, type MetricsItem } from './metrics-input.js';
import { summarizeJudgements } from '../scoring/judge/judge-summary.js';
import { summarizeMmVet } from '../scoring/judge/mm-vet/summary.js';
import { scoringRules } from '../scoring/metrics/index.js';
import type { EvaluationUnit } from './evaluation-loop.js';
import type { TaskAdapter } from '../core/contracts/task.js';
import { effectiveNormalize, scoringRuleOf } from './plan.js';
import { writeSubmission } from './submission.js';

/**
 * metrics.json from samples.jsonl alone, per task × shots × trial. Items are ordered by sample id, so
 * the aggregate (and its bootstrap CI) does not depend on the order samples finished in: a resumed
 * run reports exactly what an uninterrupted one does. `input`, when given, already holds every record
 * of the log, folded in as this process wrote them (a run that started with an empty log), so the file
 * is not read back.
 */
export async function computeMetrics(runDirectory: string, units: EvaluationUnit[], config: RunConfig, input?: MetricsInput): Promise<MetricsRecord> {
  if (!input) {
    input = new MetricsInput(units);
    for await (const record of readSampleRecords(path.join(runDirectory, SAMPLES_FILE))) input.add(record);
  }
  const results: TaskMetrics[] = [];
  for (const unit of units) {
    const { task, shots, trial } = unit;
    const unitItems = input.itemsOf(task.record.id, shots, trial);
    const metrics = aggregate(scoredUnits(unitItems, task.record.metric, task.record.hasAnswers), {
      task: task.record.id,
      split: task.record.split,
      metric: task.record.metric,
      normalize: effectiveNormalize(task, config),
      rule: scoringRuleOf(task, config),
      extraction: extractionOf(task.adapter, config),
      shots,
      trial,
      hasAnswers: task.record.hasAnswers,
      breakdowns: task.adapter.breakdowns,
      ...(task.adapter.clusterBy ? { clusterBy: task.adapter.clusterBy } : {}),
    });
    if (config.judge && task.adapter.modality === 'video' && task.record.hasAnswers) {
      metrics.judge = summarizeJudgements(
        unitItems.map((item) => ({ ...(item.judge ? { judgement: item.judge } : {}), ...(typeof item.meta.videoId === 'string' ? { videoId: item.meta.videoId } : {}) })),
        config.judge,
      );
    }
    if (config.grader && scoringRules[metrics.rule ?? '']?.grader !== undefined && task.record.hasAnswers) {
      metrics.grader = graderMetrics(unitItems, config.grader);
    }
    if (!task.record.hasAnswers) {
      const suffix = shots > 0 || trial > 0 ? `-${shots}shot-trial${trial}` : '';
      const label = `${task.record.split}${suffix}`;
      metrics.submission = task.adapter.writeSubmission
        ? await task.adapter.writeSubmission({ runDirectory, label, split: task.record.split, dataDir: task.record.dataDir }, input.answersOf(task.record.id, shots, trial))
        : writeSubmission(runDirectory, task.adapter, label, input.answersOf(task.record.id, shots, trial));
    }
    results.push(metrics);
  }
  const trialSummaries = summarizeTrials(units, results);
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: path.basename(runDirectory),
    generatedAt: new Date().toISOString(),
    results,
    ...(trialSummaries.length > 0 ? { trialSummaries } : {}),
  };
}

/**
 * MM-Vet's figures from the records: every sample the model answered has its gradings (a model error
 * has none and is left out, as a failed sample is from the evaluator's result file); its capabilities
 * are the recorded `capabilities` set.
 */
function graderMetrics(items: readonly MetricsItem[], grader: NonNullable<RunConfig['grader']>): NonNullable<TaskMetrics['grader']> {
  const samples = items.map((item) => {
    const capabilities = typeof item.meta.capabilities === 'string' ? item.meta.capabilities.split('_') : [];
    return { capabilities, ...(item.grades ? { gradings: item.grades } : {}) };
  });
  return { protocol: grader.protocol, promptVersion: grader.promptVersion, model: grader.model, ...summarizeMmVet(samples, grader.runs) };
}

/** The extraction a task's answers went through: the run's strategy, or `task:<id>` for a task that parses answers itself (MMMU). */
export function extractionOf(task: Pick<TaskAdapter, 'id' | 'parseAnswer'>, config: Pick<RunConfig, 'extraction'>): string {
  return task.parseAnswer ? `task:${task.id}` : config.extraction;
}

/** Several trials of the same task × shots: each value, the mean and the population std (docs/protocols.md#trials). */
function summarizeTrials(units: EvaluationUnit[], results: TaskMetrics[]): TrialSummary[] {
  const groups = new Map<string, { units: EvaluationUnit[]; values: Array<number | null> }>();
  units.forEach((unit, index) => {
    const key = `${unit.task.record.id}\u0000${unit.shots}`;
    const group = groups.get(key) ?? { units: [], values: [] };
    group.units.push(unit);
    group.values.push(results[index]!.all.value);
    groups.set(key, group);
  });
  const summaries: TrialSummary[] = [];
  for (const group of groups.values()) {
    if (group.units.length < 2) continue;
    const first = group.units[0]!;
    const present = group.values.filter((value): value is number => value !== null);
    summaries.push({
      task: first.task.record.id,
      split: first.task.record.split,
      shots: first.shots,
      seeds: group.units.map((unit) => unit.seed),
      values: group.values,
      mean: present.length > 0 ? present.reduce((sum, value) => sum + value, 0) / present.length : null,
      populationStd: present.length > 0 ? populationStd(present) : null,
    });
  }
  return summaries;
}
