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

/** One step of the interned metas: by the next key's value (ABSENT when the sample has none). */
interface MetaNode {
  next: Map<string | typeof ABSENT, MetaNode>;
  meta?: Readonly<Record<string, string>>;
}
const ABSENT = Symbol('absent');
/** Per recordMeta list, its metas by their values. */
const internedMetas = new WeakMap<readonly string[], MetaNode>();
/** Beyond this many distinct metas (a task recording a per-sample id) each sample gets its own object. */
const MAX_INTERNED_METAS = 10_000;
let internedCount = 0;

/**
 * The sample meta keys a task records (its `recordMeta`), as strings: what metrics.json groups and
 * clusters by. Samples share a handful of these (VQAv2: answer type × question type), so equal ones are
 * one frozen object: 214,354 records then hold ~200 metas instead of one each.
 */
export function recordedMeta(sample: Sample, keys: readonly string[]): Readonly<Record<string, string>> {
  let node: MetaNode | undefined = internedMetas.get(keys);
  if (!node) internedMetas.set(keys, (node = { next: new Map() }));
  for (const key of keys) {
    const value = sample.meta[key];
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ABSENT;
    let next: MetaNode | undefined = node.next.get(text);
    if (!next) {
      if (internedCount >= MAX_INTERNED_METAS) return metaOf(sample, keys);
      node.next.set(text, (next = { next: new Map() }));
      internedCount++;
    }
    node = next;
  }
  return (node.meta ??= Object.freeze(metaOf(sample, keys)));
}

function metaOf(sample: Sample, keys: readonly string[]): Record<string, string> {
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
