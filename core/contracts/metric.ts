/** A metric registered in scoring/metrics/registry.ts (vqa_accuracy, exact_match, ...). */
export type MetricId = string;

/** `official`: normalize only when annotators disagree (vqaEval.py); `always`: the lmms-eval convention. */
export type NormalizeMode = 'official' | 'always';

/**
 * The official evaluator a task's numbers are published under, whose rule emu-eval follows
 * (docs/official-evaluators.md). `emu-eval` names its own rule for benchmarks without one.
 */
export type EvaluatorId = string;

/**
 * The exact rule that produced a score: the evaluator plus the option that varies it
 * (`--normalize always` for vqaEval.py, `--gqa-answers llava` for GQA), registered in
 * scoring/metrics/index.ts. run.json records it per task.
 */
export type ScoringRuleId = string;

/** `official`: score GQA predictions as given; `llava`: LLaVA's convert_gqa_for_eval.py first. */
export type GqaAnswers = 'official' | 'llava';

/** `generation`: the model writes its choice (a letter); `likelihood`: the most likely option is its choice. */
export type AnswerBy = 'generation' | 'likelihood';
