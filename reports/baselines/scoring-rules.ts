import type { RunRecord, TaskRecord } from '../../artifact/schema.js';
import { isScoringRuleId, scoringRules } from '../../scoring/metrics/index.js';

// Which rule a benchmark's published numbers were scored under, and which rule scored one of our
// runs (docs/official-evaluators.md). Numbers scored under different rules differ by more than a
// rounding: TextVQA under vqaEval.py's rule scores `APPLE` against ten `apple` 0, under m4c's 1.

/** Each image benchmark's official evaluator; video QA has none, so no rule is checked there. */
const publishedRules: Record<string, string> = {
  vqav2: 'vqa-eval',
  okvqa: 'vqa-eval',
  textvqa: 'm4c-textvqa',
  vizwiz: 'vizwiz-vqa-eval',
  gqa: 'gqa-eval',
  hatefulmemes: 'openflamingo-classification',
};

/** The rule published rows of this benchmark follow, if it has an official evaluator. */
export function publishedScoringRule(benchmark: string): string | undefined {
  return publishedRules[benchmark.toLowerCase()];
}

/**
 * The rule that scored one task of a run. Runs made before emu-eval recorded it scored every VQA task
 * by vqaEval.py's rule (`--normalize` as configured) and every exact-match task after vqaEval.py's
 * processing, whatever the benchmark's own evaluator.
 */
export function ruleOfTaskRecord(task: Pick<TaskRecord, 'metric' | 'scoringRule'> | undefined, config: RunRecord['config'], metric: string): string {
  if (task?.scoringRule) return task.scoringRule;
  if ((task?.metric ?? metric) === 'exact_match') return 'emu-eval-exact-match';
  return config.normalize === 'always' ? 'vqa-eval-always' : 'vqa-eval';
}

/** A rule in words, for refusals and notes. */
export function describeScoringRule(rule: string): string {
  return isScoringRuleId(rule) ? scoringRules[rule].description : `rule "${rule}"`;
}
