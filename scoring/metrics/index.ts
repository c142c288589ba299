// The registry of scoring rules (per-sample scorers): a task names its evaluator, the run's options pick
// the rule (docs/official-evaluators.md), and scoring looks the rule's per-sample function up here. A new
// rule is one file with its pure function + one entry here; its `metric` names the metric registry's entry.

import type { AnswerBy, EvaluatorId, GqaAnswers, MetricId, NormalizeMode, ScoringRuleId } from '../../core/contracts/metric.js';
import { choiceMatch } from './choice-match.js';
import { exactMatch } from './exact-match.js';
import { mmmuRuleScore } from './mmmu/eval.js';
import { gqaExactMatch, gqaExactMatchLlava } from './gqa-exact-match.js';
import { m4cTextVqaAccuracy } from './m4c-textvqa.js';
import { vizwizAccuracy } from './vizwiz-vqa-eval.js';
import { vqaAccuracy } from './vqa-accuracy.js';

/**
 * A per-sample score in [0, 1]; pure, no I/O. Rules that need more than the answers (MMMU's question
 * type and options) read the sample's meta.
 */
export type ScoreFunction = (prediction: string, answers: readonly string[], sample?: { meta: Record<string, unknown> }) => number;

export interface ScoringRule {
  id: ScoringRuleId;
  /** The metric (scoring/metrics/registry.ts) whose per-sample score this is. */
  metric: MetricId;
  /** Whose rule it is, in words a reader can look up. */
  description: string;
  score: ScoreFunction;
  /**
   * Set for rules whose per-sample score an LLM grader gives (MM-Vet): the engine asks the grader of
   * this protocol (scoring/judge/task-grader.ts) and never calls `score`.
   */
  grader?: string;
}

export const scoringRules: Readonly<Record<ScoringRuleId, ScoringRule>> = {
  'vqa-eval': {
    id: 'vqa-eval',
    metric: 'vqa_accuracy',
    description: "vqaEval.py (GT-Vision-Lab/VQA): answers processed only when annotators disagree",
    score: (prediction, answers) => vqaAccuracy(prediction, answers, 'official'),
  },
  'vqa-eval-always': {
    id: 'vqa-eval-always',
    metric: 'vqa_accuracy',
    description: 'vqaEval.py processing applied always (lmms-eval / VLMEvalKit convention, --normalize always)',
    score: (prediction, answers) => vqaAccuracy(prediction, answers, 'always'),
  },
  'm4c-textvqa': {
    id: 'm4c-textvqa',
    metric: 'vqa_accuracy',
    description: 'm4c TextVQA evaluator (MMF TextVQAAccuracyEvaluator): every answer always processed',
    score: m4cTextVqaAccuracy,
  },
  'vizwiz-vqa-eval': {
    id: 'vizwiz-vqa-eval',
    metric: 'vqa_accuracy',
    description: "VizWiz API vqaEval.py: prediction always processed, human answers as written",
    score: vizwizAccuracy,
  },
  'gqa-eval': {
    id: 'gqa-eval',
    metric: 'exact_match',
    description: 'GQA release eval.py: prediction equals the answer exactly',
    score: gqaExactMatch,
  },
  'gqa-eval-llava': {
    id: 'gqa-eval-llava',
    metric: 'exact_match',
    description: "GQA eval.py after LLaVA's convert_gqa_for_eval.py (trailing periods stripped, lowercased)",
    score: gqaExactMatchLlava,
  },
  'emu-eval-exact-match': {
    id: 'emu-eval-exact-match',
    metric: 'exact_match',
    description: 'exact match after vqaEval.py processing of both sides (emu-eval, video QA)',
    score: (prediction, answers) => exactMatch(prediction, answers, 'always'),
  },
  'openflamingo-classification': {
    id: 'openflamingo-classification',
    metric: 'roc_auc',
    description: "OpenFlamingo's evaluate_classification (Hateful Memes): ROC AUC of P(yes) as scikit-learn's roc_auc_score; per sample, the more likely class against the label",
    score: (prediction, answers) => (answers.includes(prediction) ? 1 : 0),
  },
  'mmmu-eval': {
    id: 'mmmu-eval',
    metric: 'mmmu_accuracy',
    description: "MMMU's eval_utils.py: the parsed letter equals the gold letter; an open answer's parsed numbers or phrases contain a gold answer",
    score: mmmuRuleScore,
  },
  'mm-vet-gpt4': {
    id: 'mm-vet-gpt4',
    metric: 'mm_vet_score',
    description: "MM-Vet's mm-vet_evaluator.py: an LLM grader's 0–1 correctness (GPT-4 in the paper), averaged over grading runs",
    score: () => {
      throw new Error('mm-vet-gpt4 scores come from the LLM grader (scoring/judge/task-grader.ts), not from a rule');
    },
    grader: 'mm-vet',
  },
  'seed-bench-choice': {
    id: 'seed-bench-choice',
    metric: 'choice_accuracy',
    description: "SEED-Bench by generation: VLMEvalKit's can_infer turns the output into a letter (no ChatGPT fallback), which must equal the answer",
    score: choiceMatch,
  },
  'seed-bench-likelihood': {
    id: 'seed-bench-likelihood',
    metric: 'choice_accuracy',
    description: "SEED-Bench eval.py: the option with the highest summed log-likelihood must be the answer",
    score: choiceMatch,
  },
  'mmbench-circular': {
    id: 'mmbench-circular',
    metric: 'circular_accuracy',
    description: "MMBench CircularEval (VLMEvalKit exact_matching): can_infer's letter right in every rotation of the options",
    score: choiceMatch,
  },
};

export interface RuleOptions {
  normalize: NormalizeMode;
  gqaAnswers?: GqaAnswers;
  /** `--answer-by`: multiple-choice tasks answered by generating a letter (default) or by option likelihood. */
  answerBy?: AnswerBy;
}

/** The rule a task's evaluator follows under the run's options; options meant for other evaluators are ignored. */
export function scoringRuleFor(evaluator: EvaluatorId, options: RuleOptions): ScoringRuleId {
  switch (evaluator) {
    case 'vqa-eval':
      return options.normalize === 'always' ? 'vqa-eval-always' : 'vqa-eval';
    case 'gqa-eval':
      return options.gqaAnswers === 'llava' ? 'gqa-eval-llava' : 'gqa-eval';
    case 'seed-bench-eval':
      return options.answerBy === 'likelihood' ? 'seed-bench-likelihood' : 'seed-bench-choice';
    default:
      return evaluator;
  }
}

/** A rule id read back from a run artifact, if emu-eval knows it. */
export function isScoringRuleId(value: unknown): value is ScoringRuleId {
  return typeof value === 'string' && Object.hasOwn(scoringRules, value);
}
