import type { RunRecord } from '../../artifact/schema.js';
import { tasks } from '../../tasks/registry.js';

// Two scores are comparable only if they measure the same thing the same way. A model change is what
// a comparison is for; a change of task version, prompt protocol, normalization or data is not, and
// would show up as a "regression" that no model caused. Each problem says what differs and how.

function show(value: unknown): string {
  if (value === undefined) return 'unset';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function differs(what: string, baseline: unknown, candidate: unknown): string {
  return `${what} differs (baseline ${show(baseline)}, candidate ${show(candidate)})`;
}

/** The protocol settings that differ (templates, extraction, beams, stop strings ...). */
function protocolDifferences(baseline: Record<string, unknown>, candidate: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(baseline), ...Object.keys(candidate)])].filter((key) => key !== 'description').sort();
  return keys.filter((key) => !same(baseline[key], candidate[key])).map((key) => `${key}: ${show(baseline[key])} vs ${show(candidate[key])}`);
}

/**
 * Why the task × shots results of two runs cannot be compared; empty when they can. The model, the
 * runner, --limit and sharding may differ (pairing uses the samples both runs scored).
 */
export function compatibilityProblems(baseline: RunRecord, candidate: RunRecord, task: string, shots: number): string[] {
  const problems: string[] = [];
  const before = baseline.tasks.find((record) => record.id === task);
  const after = candidate.tasks.find((record) => record.id === task);
  if (!before || !after) return [`${task} is missing from ${before ? 'the candidate' : 'the baseline'}'s run.json`];
  if (before.version !== after.version) problems.push(differs('task version', before.version, after.version));
  if (before.metric !== after.metric) problems.push(differs('metric', before.metric, after.metric));
  if (before.split !== after.split) problems.push(differs('split', before.split, after.split));
  if (before.fingerprint !== after.fingerprint) {
    problems.push(`data fingerprint differs (baseline ${before.fingerprint}${before.bundledSample ? ' bundled sample' : ''}, candidate ${after.fingerprint}${after.bundledSample ? ' bundled sample' : ''}): the question or annotation files are not the same`);
  }
  if (baseline.config.normalize !== candidate.config.normalize) problems.push(differs('normalization', baseline.config.normalize, candidate.config.normalize));
  if (baseline.config.protocol !== candidate.config.protocol) problems.push(differs('protocol', baseline.config.protocol, candidate.config.protocol));
  else {
    const settings = protocolDifferences(baseline.protocol, candidate.protocol);
    if (settings.length > 0) problems.push(`protocol ${baseline.config.protocol} settings differ: ${settings.join('; ')}`);
  }
  if (shots > 0) {
    if (baseline.config.demos !== candidate.config.demos) problems.push(differs('demonstration selection', baseline.config.demos, candidate.config.demos));
    else if (baseline.config.demos !== 'rices' && !same(baseline.config.seeds, candidate.config.seeds)) {
      problems.push(differs('few-shot seeds (the demonstrations drawn)', baseline.config.seeds, candidate.config.seeds));
    }
  }
  // Frame settings are recorded per run; they only matter for the video tasks in it.
  const video = (tasks as Record<string, { modality: string } | undefined>)[task]?.modality === 'video';
  if (video && !same(baseline.config.video, candidate.config.video)) problems.push(differs('video frame sampling', baseline.config.video, candidate.config.video));
  return problems;
}
