import { ConfigError } from '../../core/errors.js';
import { isCorpusMetric } from '../metrics/registry.js';
import { compatibilityProblems } from './compatibility.js';
import { flippedSamples, type FlippedSamples } from './flipped-samples.js';
import { comparePairedScores, verdictOf, type PairedComparison, type Verdict, type VerdictSettings } from './paired-comparison.js';
import { pairSamples, readRunSamples, unitKey, type RunSamples, type ScoreView } from './paired-samples.js';
import { openResultSet, type ResultRun, type ResultSet } from './result-set.js';

// `emu-eval compare`: per suite entry × task × shots, paired over the samples both runs scored.

export interface CompareSettings extends VerdictSettings {
  view: ScoreView;
  /** refuse: throw when any pair of results is incomparable; skip: leave those out with the reason; force: compare anyway, with the reason attached. */
  incompatible: 'refuse' | 'skip' | 'force';
  /** Flipped samples kept per task × shots. */
  flips: number;
  seed: number;
}

/** What a comparison needs to know about tasks; the task registry sits above scoring, so callers pass it in. */
export interface TaskKnowledge {
  /** Video tasks must also match in frame sampling. Without it, frame settings are compared for every task (never looser). */
  isVideoTask?: (task: string) => boolean;
}

export const DEFAULT_COMPARE_SETTINGS: CompareSettings = { threshold: 1, alpha: 0.05, view: 'all', incompatible: 'refuse', flips: 20, seed: 0 };

export interface UnitComparison {
  /** Suite entry ('' when comparing two plain run directories). */
  entry: string;
  task: string;
  shots: number;
  metric: string;
  split: string;
  protocol: string;
  status: Verdict | 'not-compared';
  significant: boolean;
  paired?: PairedComparison;
  /** Why the unit is not comparable (not compared, or compared under --force), or why nothing was paired. */
  reasons: string[];
  forced: boolean;
  flips: FlippedSamples;
  baselineRunId: string;
  candidateRunId: string;
}

export interface CompareSide {
  path: string;
  kind: 'run' | 'suite';
  model: string;
  suite?: string;
  runIds: string[];
}

export interface RunComparison {
  baseline: CompareSide;
  candidate: CompareSide;
  settings: CompareSettings;
  units: UnitComparison[];
  /** Entry × task × shots present on one side only. */
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  notes: string[];
  regressions: number;
}

/** Thrown when two runs measure different things; `problems` lists each unit and what differs. */
export class IncompatibleRunsError extends ConfigError {
  override name = 'IncompatibleRunsError';
  constructor(readonly problems: Array<{ unit: string; reasons: string[] }>) {
    super(
      `refusing to compare: the runs measure different things\n${problems.map((problem) => `  ${problem.unit}: ${problem.reasons.join('; ')}`).join('\n')}\nCompare runs made with the same task versions, protocol, normalization and data, or pass --force to compare anyway.`,
    );
  }
}

export function unitLabel(unit: { entry: string; task: string; shots: number }): string {
  return `${unit.entry ? `${unit.entry} · ` : ''}${unit.task} ${unit.shots}-shot`;
}

interface Unit {
  entry: string;
  task: string;
  shots: number;
  run: ResultRun;
}

function unitsOf(set: ResultSet): Map<string, Unit> {
  const units = new Map<string, Unit>();
  for (const run of set.runs) {
    for (const task of run.record.tasks) {
      for (const shots of run.record.config.shots) units.set(`${run.entry}\u0000${unitKey(task.id, shots)}`, { entry: run.entry, task: task.id, shots, run });
    }
  }
  return units;
}

function describeSide(set: ResultSet): CompareSide {
  return { path: set.path, kind: set.kind, model: set.model, ...(set.suite ? { suite: set.suite.name } : {}), runIds: set.runs.map((run) => run.record.id) };
}

/** Reads each run's samples once, however many of its units are compared. */
function samplesReader(view: ScoreView) {
  const cache = new Map<string, Promise<RunSamples>>();
  return (runDirectory: string) => {
    let samples = cache.get(runDirectory);
    if (!samples) cache.set(runDirectory, (samples = readRunSamples(runDirectory, view)));
    return samples;
  };
}

export async function compareResultSets(baseline: ResultSet, candidate: ResultSet, overrides: Partial<CompareSettings> = {}, knowledge: TaskKnowledge = {}): Promise<RunComparison> {
  const settings = { ...DEFAULT_COMPARE_SETTINGS, ...overrides };
  const isVideoTask = knowledge.isVideoTask ?? (() => true);
  if (baseline.kind !== candidate.kind) {
    throw new ConfigError(
      `cannot pair a ${baseline.kind === 'suite' ? 'suite run' : 'run directory'} with a ${candidate.kind === 'suite' ? 'suite run' : 'run directory'}; compare one entry by giving its run directory (<suite run>/<entry>) on both sides`,
      true,
    );
  }
  const baselineUnits = unitsOf(baseline);
  const candidateUnits = unitsOf(candidate);
  const shared = [...baselineUnits.keys()].filter((key) => candidateUnits.has(key));
  if (shared.length === 0) {
    const list = (units: Map<string, Unit>) => [...units.values()].map(unitLabel).join(', ') || 'nothing';
    throw new ConfigError(`nothing to compare: the baseline has ${list(baselineUnits)}; the candidate has ${list(candidateUnits)}`);
  }
  const problems = new Map<string, string[]>();
  for (const key of shared) {
    const before = baselineUnits.get(key)!;
    const after = candidateUnits.get(key)!;
    const reasons = compatibilityProblems(before.run.record, after.run.record, before.task, before.shots, isVideoTask(before.task));
    if (reasons.length > 0) problems.set(key, reasons);
  }
  if (problems.size > 0 && settings.incompatible === 'refuse') {
    throw new IncompatibleRunsError([...problems.entries()].map(([key, reasons]) => ({ unit: unitLabel(baselineUnits.get(key)!), reasons })));
  }
  const readBaseline = samplesReader(settings.view);
  const readCandidate = samplesReader(settings.view);
  const units: UnitComparison[] = [];
  for (const key of shared) {
    const before = baselineUnits.get(key)!;
    const after = candidateUnits.get(key)!;
    const taskRecord = before.run.record.tasks.find((task) => task.id === before.task)!;
    const reasons = problems.get(key) ?? [];
    const unit: UnitComparison = {
      entry: before.entry,
      task: before.task,
      shots: before.shots,
      metric: taskRecord.metric,
      split: taskRecord.split,
      protocol: before.run.record.config.protocol,
      status: 'not-compared',
      significant: false,
      reasons,
      forced: reasons.length > 0 && settings.incompatible === 'force',
      flips: { samples: [], total: 0, rightToWrong: 0 },
      baselineRunId: before.run.record.id,
      candidateRunId: after.run.record.id,
    };
    units.push(unit);
    if (reasons.length > 0 && settings.incompatible === 'skip') continue;
    if (isCorpusMetric(unit.metric)) {
      // Paired tests and deltas of per-sample means would compare the accuracy under the AUC's name.
      unit.reasons = [...reasons, `${unit.metric} is computed over all samples at once, not a mean of per-sample scores: no paired per-sample comparison; compare the metrics.json values and their CIs`];
      continue;
    }
    const baselineSamples = (await readBaseline(before.run.runDirectory)).get(unitKey(before.task, before.shots)) ?? new Map();
    const candidateSamples = (await readCandidate(after.run.runDirectory)).get(unitKey(after.task, after.shots)) ?? new Map();
    const paired = pairSamples(baselineSamples, candidateSamples);
    if (paired.ids.length === 0) {
      unit.reasons = [...reasons, 'no sample was scored by both runs'];
      continue;
    }
    unit.paired = comparePairedScores(paired.baseline, paired.candidate, { seed: settings.seed, ...(paired.clusterIds ? { clusterIds: paired.clusterIds } : {}) });
    if (paired.onlyBaseline + paired.onlyCandidate > 0) {
      unit.reasons = [...reasons, `${paired.onlyBaseline} samples scored by the baseline only and ${paired.onlyCandidate} by the candidate only are left out`];
    }
    const { verdict, significant } = verdictOf(unit.paired, settings);
    unit.status = verdict;
    unit.significant = significant;
    unit.flips = flippedSamples(paired.ids, baselineSamples, candidateSamples, settings.flips);
  }
  return {
    baseline: describeSide(baseline),
    candidate: describeSide(candidate),
    settings,
    units,
    onlyInBaseline: [...baselineUnits.keys()].filter((key) => !candidateUnits.has(key)).map((key) => unitLabel(baselineUnits.get(key)!)),
    onlyInCandidate: [...candidateUnits.keys()].filter((key) => !baselineUnits.has(key)).map((key) => unitLabel(candidateUnits.get(key)!)),
    notes: [...baseline.notes.map((note) => `baseline ${note}`), ...candidate.notes.map((note) => `candidate ${note}`)],
    regressions: units.filter((unit) => unit.status === 'regressed').length,
  };
}

/** `emu-eval compare <baseline> <candidate>` as a library call. */
export async function compareRuns(baselinePath: string, candidatePath: string, overrides: Partial<CompareSettings> = {}, knowledge: TaskKnowledge = {}): Promise<RunComparison> {
  return compareResultSets(openResultSet(baselinePath), openResultSet(candidatePath), overrides, knowledge);
}
