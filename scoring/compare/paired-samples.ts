import { existsSync } from 'node:fs';
import path from 'node:path';
import { SAMPLES_FILE } from '../../artifact/run-directory.js';
import { readSampleRecords } from '../../artifact/samples-log.js';

// Pairing: the per-sample scores of two runs, lined up over the samples both scored. A sample is the
// unit of pairing; few-shot trials of one sample are averaged first, so a 3-trial run contributes one
// number per question (its trials share the question and are not independent).

/** all: an error sample scores 0, as in the runs' ALL view; valid: error samples are left out. */
export type ScoreView = 'all' | 'valid';

export interface SampleOutcome {
  /** Mean over the trials scored in this view; null when none was (no gold answers, or all errored in VALID). */
  score: number | null;
  /** The first trial's output, for people reading flipped samples. */
  output: string;
  extracted: string;
  error?: string;
  /** Video tasks: questions about one video form a cluster. */
  clusterId?: string;
  trials: number;
}

/** task × shots → sample id → outcome. */
export type RunSamples = Map<string, Map<string, SampleOutcome>>;

export function unitKey(task: string, shots: number): string {
  return `${task}\u0000${shots}`;
}

interface Accumulator {
  sum: number;
  scored: number;
  trials: number;
  firstTrial: number;
  outcome: SampleOutcome;
}

function clusterOf(meta: Record<string, unknown>): string | undefined {
  const video = meta.videoId;
  return typeof video === 'string' || typeof video === 'number' ? String(video) : undefined;
}

/** Streams a run's samples.jsonl into per-sample outcomes (a missing file is a run with no samples yet). */
export async function readRunSamples(runDirectory: string, view: ScoreView): Promise<RunSamples> {
  const file = path.join(runDirectory, SAMPLES_FILE);
  const accumulators = new Map<string, Map<string, Accumulator>>();
  if (existsSync(file)) {
    for await (const record of readSampleRecords(file)) {
      const key = unitKey(record.task, record.shots);
      let unit = accumulators.get(key);
      if (!unit) accumulators.set(key, (unit = new Map()));
      const errored = record.finishReason === 'error' || record.error !== undefined;
      // ALL counts a failed sample as wrong; a sample without gold answers has nothing to count.
      const score = record.score !== null ? record.score : errored && view === 'all' ? 0 : null;
      let entry = unit.get(record.sampleId);
      if (!entry) {
        const clusterId = clusterOf(record.meta);
        entry = {
          sum: 0,
          scored: 0,
          trials: 0,
          firstTrial: record.trial,
          outcome: { score: null, output: record.output, extracted: record.extracted, ...(record.error ? { error: record.error } : {}), ...(clusterId ? { clusterId } : {}), trials: 0 },
        };
        unit.set(record.sampleId, entry);
      } else if (record.trial < entry.firstTrial) {
        entry.firstTrial = record.trial;
        entry.outcome = { ...entry.outcome, output: record.output, extracted: record.extracted, ...(record.error ? { error: record.error } : { error: undefined }) };
      }
      entry.trials++;
      if (score !== null && !(errored && view === 'valid')) {
        entry.sum += score;
        entry.scored++;
      }
    }
  }
  const samples: RunSamples = new Map();
  for (const [key, unit] of accumulators) {
    const outcomes = new Map<string, SampleOutcome>();
    for (const [sampleId, entry] of unit) {
      const outcome: SampleOutcome = { ...entry.outcome, score: entry.scored > 0 ? entry.sum / entry.scored : null, trials: entry.trials };
      if (outcome.error === undefined) delete outcome.error;
      outcomes.set(sampleId, outcome);
    }
    samples.set(key, outcomes);
  }
  return samples;
}

export interface PairedSamples {
  /** Sample ids both runs scored, sorted so every statistic is independent of file order. */
  ids: string[];
  baseline: Float64Array;
  candidate: Float64Array;
  /** Present when every paired sample belongs to a cluster (video tasks). */
  clusterIds?: string[];
  /** Scored by one run only (different --limit, a shard, an unfinished run). */
  onlyBaseline: number;
  onlyCandidate: number;
}

export function pairSamples(baseline: ReadonlyMap<string, SampleOutcome>, candidate: ReadonlyMap<string, SampleOutcome>): PairedSamples {
  const ids: string[] = [];
  let onlyBaseline = 0;
  for (const [sampleId, outcome] of baseline) {
    if (outcome.score === null) continue;
    const other = candidate.get(sampleId);
    if (other && other.score !== null) ids.push(sampleId);
    else onlyBaseline++;
  }
  let onlyCandidate = 0;
  for (const [sampleId, outcome] of candidate) {
    const other = baseline.get(sampleId);
    if (outcome.score !== null && (!other || other.score === null)) onlyCandidate++;
  }
  ids.sort();
  const clusterIds = ids.map((sampleId) => baseline.get(sampleId)!.clusterId);
  const clustered = clusterIds.length > 0 && clusterIds.every((cluster) => cluster !== undefined);
  return {
    ids,
    baseline: Float64Array.from(ids, (sampleId) => baseline.get(sampleId)!.score!),
    candidate: Float64Array.from(ids, (sampleId) => candidate.get(sampleId)!.score!),
    ...(clustered ? { clusterIds: clusterIds as string[] } : {}),
    onlyBaseline,
    onlyCandidate,
  };
}
