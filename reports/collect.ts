import path from 'node:path';
import { readMetricsRecord, readRunRecord } from '../artifact/run-directory.js';
import type { MetricsRecord, RunRecord, TaskMetrics } from '../artifact/schema.js';
import type { ProtocolKey } from './baselines/compatibility.js';
import { benchmarkOfTask, canonicalSplit } from './benchmark-names.js';
import { ruleOfTaskRecord } from './baselines/scoring-rules.js';
import { demoSelectionOfRun, shotStyleOfRun, trainedOnTrainSplit } from './our-protocol.js';

/** Our model's parameter counts, in billions like the baselines'. */
export interface OurParameterCount {
  total: number;
  vision?: number;
  projection?: number;
  language?: number;
  /** counted from the graph, declared at run time, or given to the report with --params. */
  source: 'counted' | 'declared' | 'report option';
}

/** One of our results: one run × task × shots (trials averaged). */
export interface OurResult {
  runId: string;
  runDirectory: string;
  model: string;
  task: string;
  benchmark: string;
  split: string;
  metric: string;
  shots: number;
  /** Percent, ALL view (errors count as wrong), the number papers report; null for submission-only splits. */
  score: number | null;
  ci95: [number, number] | null;
  n: number;
  nErrors: number;
  trials: number;
  /** Population standard deviation across trials (docs/protocols.md#trials); null for one trial. */
  trialStandardDeviation: number | null;
  params: OurParameterCount | undefined;
  protocol: ProtocolKey;
  /** Assumptions made mapping the run onto the published protocol columns. */
  protocolNotes: string[];
  /** Evaluated on the bundled synthetic sample: never comparable with published numbers. */
  bundledSample: boolean;
  runStatus: RunRecord['status'];
  date: string;
  answerTypes: Record<string, { value: number; n: number }> | undefined;
  submission?: string;
}

export interface CollectOptions {
  /** Raw parameter count (e.g. 37e9) replacing run.json's, for runs that recorded none. */
  paramsOverride?: number;
  /** Task ids whose training split the model was trained on, or `all`. */
  trainedOn?: readonly string[];
  /** Our model's name in reports, replacing run.json's model id (e.g. `replay:results.json`). */
  modelLabel?: string;
}

export const BILLION = 1e9;

function paramsOf(record: RunRecord, options: CollectOptions): OurParameterCount | undefined {
  if (options.paramsOverride !== undefined) return { total: options.paramsOverride / BILLION, source: 'report option' };
  const params = record.model.params;
  if (!params) return undefined;
  return {
    total: params.total / BILLION,
    ...(params.vision !== undefined ? { vision: params.vision / BILLION } : {}),
    ...(params.projection !== undefined ? { projection: params.projection / BILLION } : {}),
    ...(params.language !== undefined ? { language: params.language / BILLION } : {}),
    source: params.source,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function summarizeTrials(trials: readonly TaskMetrics[]): Pick<OurResult, 'score' | 'ci95' | 'n' | 'nErrors' | 'trials' | 'trialStandardDeviation'> {
  const first = trials[0]!;
  const values = trials.map((trial) => trial.all.value).filter((value): value is number => value !== null);
  if (trials.length === 1 || values.length === 0) {
    return { score: first.all.value, ci95: first.all.ci95, n: first.all.n, nErrors: first.all.nErrors, trials: trials.length, trialStandardDeviation: null };
  }
  const average = mean(values);
  // With several trials the spread between trials, not one trial's bootstrap CI, is the honest error bar.
  return {
    score: average,
    ci95: null,
    n: first.all.n,
    nErrors: Math.round(mean(trials.map((trial) => trial.all.nErrors))),
    trials: trials.length,
    trialStandardDeviation: Math.sqrt(mean(values.map((value) => (value - average) ** 2))),
  };
}

/** A breakdown averaged over trials (each trial asks the same questions, with different demonstrations). */
function meanBreakdown(trials: readonly TaskMetrics[], name: string): OurResult['answerTypes'] {
  const first = trials[0]!.breakdowns[name];
  if (!first) return undefined;
  return Object.fromEntries(
    Object.entries(first).map(([key, entry]) => {
      const values = trials.map((trial) => trial.breakdowns[name]?.[key]?.value).filter((value): value is number => value !== undefined);
      return [key, { value: mean(values), n: entry.n }];
    }),
  );
}

/** Our results from one run's records (also used by `run`, which has them in memory). */
export function resultsOfRun(record: RunRecord, metrics: MetricsRecord, runDirectory: string, options: CollectOptions = {}): OurResult[] {
  const byTaskAndShots = new Map<string, TaskMetrics[]>();
  for (const result of metrics.results) {
    const key = `${result.task}\u0000${result.split}\u0000${result.shots}`;
    byTaskAndShots.set(key, [...(byTaskAndShots.get(key) ?? []), result]);
  }
  const params = paramsOf(record, options);
  const results: OurResult[] = [];
  for (const trials of byTaskAndShots.values()) {
    const first = trials[0]!;
    const taskRecord = record.tasks.find((task) => task.id === first.task);
    const { shotStyle, note: shotNote } = shotStyleOfRun(record, first.shots);
    const { demoSelection, note: demoNote } = demoSelectionOfRun(record, first.shots);
    const trained = trainedOnTrainSplit(first.task, options.trainedOn ?? []);
    const benchmark = taskRecord?.benchmark ?? benchmarkOfTask[first.task] ?? first.task;
    results.push({
      runId: record.id,
      runDirectory,
      model: options.modelLabel ?? record.model.id,
      task: first.task,
      benchmark,
      split: canonicalSplit(first.split),
      metric: first.metric,
      shots: first.shots,
      ...summarizeTrials(trials),
      params,
      protocol: {
        benchmark,
        split: canonicalSplit(first.split),
        metric: first.metric,
        shots: first.shots,
        shotStyle,
        demoSelection,
        trainedOnTrainSplit: trained,
        scoringRule: ruleOfTaskRecord(taskRecord, record.config, first.metric),
      },
      protocolNotes: [shotNote, demoNote].filter((note): note is string => note !== undefined),
      bundledSample: taskRecord?.bundledSample ?? false,
      runStatus: record.status,
      date: record.finishedAt ?? record.updatedAt,
      answerTypes: meanBreakdown(trials, 'answerType'),
      ...(first.submission ? { submission: first.submission } : {}),
    });
  }
  return results;
}

/** Reads each run directory (run.json + metrics.json, zod-validated) into our result rows. */
export function collectRuns(runDirectories: readonly string[], options: CollectOptions = {}): OurResult[] {
  return runDirectories.flatMap((directory) => {
    const runDirectory = path.resolve(directory);
    return resultsOfRun(readRunRecord(runDirectory), readMetricsRecord(runDirectory), runDirectory, options);
  });
}
