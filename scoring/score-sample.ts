import { extractAnswer, type ExtractionStrategy } from './extract.js';
import { scoringRules } from './metrics/index.js';
import type { ScoringRuleId } from '../core/contracts/metric.js';
import type { Output } from '../core/contracts/runner.js';
import type { Sample } from '../core/contracts/task.js';

export interface ScoringSettings {
  rule: ScoringRuleId;
  extraction: ExtractionStrategy;
}

/** Keys copied from a sample into its record: what metrics.json groups by, and VizWiz's `answerable` (its answerability figures). */
const BREAKDOWN_KEYS = ['answerType', 'questionType', 'videoId', 'category', 'answerable'] as const;

export function breakdownMeta(sample: Sample): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const key of BREAKDOWN_KEYS) {
    const value = sample.meta[key];
    if (typeof value === 'string' || typeof value === 'number') meta[key] = String(value);
  }
  return meta;
}

/**
 * extract → metric, both pure. An errored output has no score (it is counted as wrong in the ALL view
 * and left out of the VALID view); a sample without gold answers (test split) has no score either.
 */
export function scoreOutput(sample: Sample, output: Output, settings: ScoringSettings): { extracted: string; score: number | null } {
  if (output.finishReason === 'error') return { extracted: '', score: null };
  const extracted = extractAnswer(output.text, settings.extraction);
  if (sample.answers.length === 0) return { extracted, score: null };
  return { extracted, score: scoringRules[settings.rule].score(extracted, sample.answers) };
}
