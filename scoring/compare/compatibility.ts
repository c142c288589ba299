import type { RunRecord, TaskRecord } from '../../artifact/schema.js';
import { differingFields, incompatibilityReasons, sameRecorded, type CompatibilityRules } from '../../core/compatibility.js';

// Two scores are comparable only if they measure the same thing the same way. A model change is what
// a comparison is for; a change of task version, prompt protocol, normalization or data is not, and
// would show up as a "regression" that no model caused. Each problem says what differs and how.

/** One side of a task × shots result: its run, the task as that run recorded it, and what the caller knows of the task. */
interface ComparedResult {
  run: RunRecord;
  task: TaskRecord;
  shots: number;
  /** Frame sampling changes a video task's inputs and nothing else's. */
  video: boolean;
}

function show(value: unknown): string {
  if (value === undefined) return 'unset';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function differs(what: string, baseline: unknown, candidate: unknown): string {
  return `${what} differs (baseline ${show(baseline)}, candidate ${show(candidate)})`;
}

function dataset(side: ComparedResult): string {
  return `${side.task.fingerprint}${side.task.bundledSample ? ' bundled sample' : ''}`;
}

/** The protocol settings that differ (templates, extraction, beams, stop strings ...). */
function protocolDifferences(baseline: Record<string, unknown>, candidate: Record<string, unknown>): string[] {
  const keys = differingFields(baseline, candidate).filter((key) => key !== 'description').sort();
  return keys.map((key) => `${key}: ${show(baseline[key])} vs ${show(candidate[key])}`);
}

/** The model, the runner, --limit and sharding may differ: pairing uses the samples both runs scored. */
const comparisonRules: CompatibilityRules<ComparedResult> = {
  'task version': (a, b) => (a.task.version !== b.task.version ? differs('task version', a.task.version, b.task.version) : undefined),
  metric: (a, b) => (a.task.metric !== b.task.metric ? differs('metric', a.task.metric, b.task.metric) : undefined),
  split: (a, b) => (a.task.split !== b.task.split ? differs('split', a.task.split, b.task.split) : undefined),
  data: (a, b) =>
    a.task.fingerprint !== b.task.fingerprint
      ? `data fingerprint differs (baseline ${dataset(a)}, candidate ${dataset(b)}): the question or annotation files are not the same`
      : undefined,
  // Runs before rules were recorded lack them; two recorded rules must agree (SEED-Bench by generation vs by likelihood).
  'scoring rule': (a, b) =>
    a.task.scoringRule !== undefined && b.task.scoringRule !== undefined && a.task.scoringRule !== b.task.scoringRule
      ? differs('scoring rule', a.task.scoringRule, b.task.scoringRule)
      : undefined,
  normalization: (a, b) => (a.run.config.normalize !== b.run.config.normalize ? differs('normalization', a.run.config.normalize, b.run.config.normalize) : undefined),
  protocol: (a, b) => {
    if (a.run.config.protocol !== b.run.config.protocol) return differs('protocol', a.run.config.protocol, b.run.config.protocol);
    const settings = protocolDifferences(a.run.protocol, b.run.protocol);
    return settings.length > 0 ? `protocol ${a.run.config.protocol} settings differ: ${settings.join('; ')}` : undefined;
  },
  demonstrations: (a, b) => {
    if (a.shots === 0) return undefined;
    if (a.run.config.demos !== b.run.config.demos) return differs('demonstration selection', a.run.config.demos, b.run.config.demos);
    if (a.run.config.demos !== 'rices' && !sameRecorded(a.run.config.seeds, b.run.config.seeds)) {
      return differs('few-shot seeds (the demonstrations drawn)', a.run.config.seeds, b.run.config.seeds);
    }
    return undefined;
  },
  // Frame settings are recorded per run; they only matter for the video tasks in it.
  'video frame sampling': (a, b) => (a.video && !sameRecorded(a.run.config.video, b.run.config.video) ? differs('video frame sampling', a.run.config.video, b.run.config.video) : undefined),
};

/**
 * Why the task × shots results of two runs cannot be compared; empty when they can. `video` says whether
 * the task is a video task: the task registry knows, and scoring sits below it, so the caller tells.
 */
export function compatibilityProblems(baseline: RunRecord, candidate: RunRecord, task: string, shots: number, video: boolean): string[] {
  const before = baseline.tasks.find((record) => record.id === task);
  const after = candidate.tasks.find((record) => record.id === task);
  if (!before || !after) return [`${task} is missing from ${before ? 'the candidate' : 'the baseline'}'s run.json`];
  return incompatibilityReasons(comparisonRules, { run: baseline, task: before, shots, video }, { run: candidate, task: after, shots, video });
}
