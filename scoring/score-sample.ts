import { extractAnswer, type ExtractionStrategy } from './extract.js';
import { scoringRules } from './metrics/index.js';
import type { ScoringRuleId } from '../core/contracts/metric.js';
import type { Output } from '../core/contracts/runner.js';
import type { Sample } from '../core/contracts/task.js';

export interface ScoringSettings {
  rule: ScoringRuleId;
  extraction: ExtractionStrategy;
  /** The task's own answer parsing (TaskAdapter.parseAnswer), which replaces the extraction strategy. */
  parseAnswer?: (output: string, sample: Sample) => string;
}

/** The sample meta keys a task records (its `recordMeta`), as strings: what metrics.json groups and clusters by. */
export function recordedMeta(sample: Sample, keys: readonly string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const key of keys) {
    const value = sample.meta[key];
    if (typeof value === 'string' || typeof value === 'number') meta[key] = String(value);
  }
  return meta;
}

/** The rule's per-sample score of an answer; null for a sample without gold answers (test split). */
export function scoreAnswer(sample: Sample, answer: string, rule: ScoringRuleId): number | null {
  if (sample.answers.length === 0) return null;
  const scoringRule = scoringRules[rule]!;
  // A graded rule's score comes from its LLM grader, after generation.
  if (scoringRule.grader !== undefined) return null;
  return scoringRule.score(answer, sample.answers, sample);
}

/**
 * extract → metric, both pure. An errored output has no score (it is counted as wrong in the ALL view
 * and left out of the VALID view); a sample without gold answers (test split) has no score either.
 */
export function scoreOutput(sample: Sample, output: Output, settings: ScoringSettings): { extracted: string; score: number | null } {
  if (output.finishReason === 'error') return { extracted: '', score: null };
  const extracted = settings.parseAnswer ? settings.parseAnswer(output.text, sample) : extractAnswer(output.text, settings.extraction);
  return { extracted, score: scoreAnswer(sample, extracted, settings.rule) };
}
