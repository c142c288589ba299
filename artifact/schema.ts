import { z } from 'zod';
import { isNonNegativeInteger, isPlainObject, withFastCheck } from '../core/validation.js';

// The run artifact is the only contract between the producing side (tasks, runners, evals) and the
// consuming side (reports, compare, leaderboard). Bump SCHEMA_VERSION on any incompatible change.
export const SCHEMA_VERSION = 1;

const normalizeMode = z.enum(['official', 'always']);

export const paramCountSchema = z.strictObject({
  total: z.number().nonnegative(),
  vision: z.number().nonnegative().optional(),
  projection: z.number().nonnegative().optional(),
  language: z.number().nonnegative().optional(),
  source: z.enum(['counted', 'declared']),
});

export const runConfigSchema = z.strictObject({
  tasks: z.array(z.string()).min(1),
  split: z.string().optional(),
  model: z.string(),
  dataDir: z.string().optional(),
  limit: z.number().int().positive().optional(),
  shard: z.strictObject({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
  protocol: z.string(),
  extraction: z.string(),
  normalize: normalizeMode,
  /** GQA only: `llava` applies LLaVA's answer cleaning before eval.py's comparison. Absent: as given. */
  gqaAnswers: z.enum(['official', 'llava']).optional(),
  /** Multiple-choice tasks: `likelihood` takes the most likely option instead of a generated letter. Absent: generation. */
  answerBy: z.enum(['generation', 'likelihood']).optional(),
  shots: z.array(z.number().int().nonnegative()),
  /** One trial per seed (few-shot draws differ by seed); deterministic settings run one trial. */
  seeds: z.array(z.number().int()),
  demos: z.enum(['random', 'rices']).optional(),
  ricesEncoder: z.string().optional(),
  maxNewTokens: z.number().int().positive(),
  numBeams: z.number().int().positive(),
  batchSize: z.number().int().positive().optional(),
  /** Video tasks: frames per video and the sampler (docs/protocols.md#video-frame-samplers). */
  video: z.strictObject({ frames: z.number().int().positive(), sampler: z.enum(['uniform', 'interior', 'midpoint']) }).optional(),
  /** LLM judge for video QA (--judge, --judge-model): pinned model, protocol and prompt version. */
  judge: z
    .strictObject({ protocol: z.literal('video-chatgpt'), promptVersion: z.number().int(), model: z.string(), endpoints: z.array(z.string()) })
    .optional(),
  /** The LLM grader of LLM-graded tasks (mm-vet; --judge, --judge-model, --judge-runs): pinned model, protocol, prompt version, grading runs. */
  grader: z
    .strictObject({ protocol: z.literal('mm-vet'), promptVersion: z.number().int(), model: z.string(), endpoints: z.array(z.string()), runs: z.number().int().positive() })
    .optional(),
  runnerOptions: z.record(z.string(), z.unknown()).optional(),
});

export const taskRecordSchema = z.strictObject({
  id: z.string(),
  version: z.number().int(),
  metric: z.string(),
  split: z.string(),
  hasAnswers: z.boolean(),
  dataDir: z.string(),
  bundledSample: z.boolean(),
  fingerprint: z.string(),
  /**
   * The rule that scored the task (scoring/metrics/index.ts, docs/official-evaluators.md). Runs made
   * before it was recorded lack it; readers infer vqaEval.py's rule for them (ruleOfTaskRecord).
   */
  scoringRule: z.string().optional(),
  /** The benchmark's name as papers spell it (VQAv2), from the task's declaration; reports show it. Not hashed. */
  benchmark: z.string().optional(),
});

export const runRecordSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  id: z.string(),
  kind: z.enum(['run', 'score']),
  status: z.enum(['running', 'finished', 'failed', 'interrupted']),
  command: z.array(z.string()),
  configHash: z.string(),
  config: runConfigSchema,
  model: z.strictObject({
    spec: z.string(),
    id: z.string(),
    runner: z.string(),
    params: paramCountSchema.optional(),
    notes: z.array(z.string()),
  }),
  tasks: z.array(taskRecordSchema),
  protocol: z.record(z.string(), z.unknown()),
  environment: z.strictObject({
    emuEval: z.string(),
    node: z.string(),
    platform: z.string(),
    packages: z.record(z.string(), z.string()),
    gitCommit: z.string().optional(),
  }),
  warnings: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  attempts: z.number().int().positive(),
  error: z.string().optional(),
});

const sampleRecordShape = z.strictObject({
  task: z.string(),
  sampleId: z.string(),
  shots: z.number().int().nonnegative(),
  trial: z.number().int().nonnegative(),
  /** The demonstrations shown, in prompt order (the most relevant last). */
  demoIds: z.array(z.string()),
  /** Demonstrations left out because the prompt did not fit the model's context. */
  demosDropped: z.number().int().nonnegative().optional(),
  promptHash: z.string(),
  output: z.string(),
  finishReason: z.enum(['stop', 'length', 'error']),
  extracted: z.string(),
  /** null when the split has no gold answers (test-dev) or the sample errored. */
  score: z.number().min(0).max(1).nullable(),
  error: z.string().optional(),
  latencyMs: z.number().nonnegative(),
  tokens: z.number().int().nonnegative().optional(),
  cached: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()),
  /**
   * Tasks of the `loglik` request kind: the continuations scored, in request order, with each one's
   * summed natural-log probability and token count. `output` and `extracted` then hold the task's prediction.
   */
  loglik: z
    .strictObject({ continuations: z.array(z.string()).min(1), logprobs: z.array(z.number()), tokens: z.array(z.number().int().nonnegative()) })
    .optional(),
  /**
   * Binary classification tasks scored by a corpus metric (ROC AUC, Hateful Memes): the gold label
   * (1 = the positive class) and the model's score for the positive class (P(yes)); no score when the
   * sample errored. The metric is computed over these, not from `score`.
   */
  binary: z.strictObject({ label: z.union([z.literal(0), z.literal(1)]), score: z.number().optional() }).optional(),
  /** LLM judge (video QA, --judge): its verdict, or why there is none. A failed call is never a "no". */
  judge: z
    .union([z.strictObject({ pred: z.enum(['yes', 'no']), score: z.number().min(0).max(5), cached: z.boolean().optional() }), z.strictObject({ error: z.string() })])
    .optional(),
  /**
   * LLM-graded tasks (mm-vet): each grading run's 0–1 grade, or why it has none; `score` is the mean of
   * the grades. `attempts`: grader replies read (re-asks after unusable replies included).
   */
  grades: z
    .array(
      z.union([
        z.strictObject({ run: z.number().int().nonnegative(), score: z.number().min(0).max(1), attempts: z.number().int().positive(), cached: z.boolean().optional() }),
        z.strictObject({ run: z.number().int().nonnegative(), error: z.string(), attempts: z.number().int().nonnegative() }),
      ]),
    )
    .optional(),
});

const SAMPLE_KEY_ORDER = new Map(Object.keys(sampleRecordShape.shape).map((key, index) => [key, index]));
/** The fields the fast check below verifies; a line with any other (judge, loglik, binary, grades) goes to zod. */
const FAST_CHECKED_KEYS: ReadonlySet<string> = new Set(['task', 'sampleId', 'shots', 'trial', 'demoIds', 'demosDropped', 'promptHash', 'output', 'finishReason', 'extracted', 'score', 'error', 'latencyMs', 'tokens', 'cached', 'meta']);
const FINISH_REASONS: ReadonlySet<unknown> = new Set(['stop', 'length', 'error']);

/** A line as emu-eval writes it: the schema's keys in the schema's order, only fields checked here. */
function isWrittenSampleRecord(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  let previous = -1;
  for (const key of Object.keys(value)) {
    const position = SAMPLE_KEY_ORDER.get(key);
    if (position === undefined || position <= previous || !FAST_CHECKED_KEYS.has(key)) return false;
    previous = position;
  }
  const { score, demoIds } = value;
  return (
    typeof value.task === 'string' &&
    typeof value.sampleId === 'string' &&
    isNonNegativeInteger(value.shots) &&
    isNonNegativeInteger(value.trial) &&
    Array.isArray(demoIds) &&
    demoIds.every((id) => typeof id === 'string') &&
    (value.demosDropped === undefined || isNonNegativeInteger(value.demosDropped)) &&
    typeof value.promptHash === 'string' &&
    typeof value.output === 'string' &&
    FINISH_REASONS.has(value.finishReason) &&
    typeof value.extracted === 'string' &&
    (score === null || (typeof score === 'number' && score >= 0 && score <= 1)) &&
    (value.error === undefined || typeof value.error === 'string') &&
    typeof value.latencyMs === 'number' &&
    value.latencyMs >= 0 &&
    Number.isFinite(value.latencyMs) &&
    (value.tokens === undefined || isNonNegativeInteger(value.tokens)) &&
    (value.cached === undefined || typeof value.cached === 'boolean') &&
    isPlainObject(value.meta)
  );
}

export const sampleRecordSchema = withFastCheck(sampleRecordShape, isWrittenSampleRecord);

export const summarySchema = z.strictObject({
  /** Percent, unrounded. */
  value: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  standardError: z.number().nullable(),
  n: z.number().int().nonnegative(),
  nErrors: z.number().int().nonnegative(),
  /**
   * Video tasks: questions about one video are not independent, so the standard error is clustered
   * by video id (CR1) and the interval is value ± 1.96 · that error (docs/protocols.md#statistics). Percent.
   */
  clustered: z
    .strictObject({ standardError: z.number().nullable(), ci95: z.tuple([z.number(), z.number()]).nullable(), clusters: z.number().int().nonnegative(), by: z.string() })
    .optional(),
});

export const breakdownEntrySchema = z.strictObject({ value: z.number(), n: z.number().int() });

export const taskMetricsSchema = z.strictObject({
  task: z.string(),
  split: z.string(),
  metric: z.string(),
  /** `--normalize` as applied: it varies vqaEval.py's rule only; every other rule is recorded as `always`. */
  normalize: normalizeMode,
  /** The rule that produced the scores; absent in metrics written before it was recorded. */
  rule: z.string().optional(),
  extraction: z.string(),
  shots: z.number().int(),
  trial: z.number().int(),
  /** Errors count as wrong (0). */
  all: summarySchema,
  /** Errors excluded. */
  valid: summarySchema,
  breakdowns: z.record(z.string(), z.record(z.string(), breakdownEntrySchema)),
  /**
   * Corpus metrics (ROC AUC): the accuracy of the predictions next to it, the mean of the per-sample
   * scores (percent), in the ALL and VALID views.
   */
  accuracy: z.strictObject({ all: summarySchema, valid: summarySchema }).optional(),
  /** The official evaluator's report: 2-decimal rounding, overall and per answer type (VQA tasks). */
  official: z
    .strictObject({
      overall: z.number(),
      perAnswerType: z.record(z.string(), z.number()),
      /** VizWiz: the API's `unanswerability` figures, percent rounded as it rounds them ("unanswerable" is the positive class). */
      unanswerability: z.strictObject({ averagePrecision: z.number(), f1Score: z.number() }).optional(),
    })
    .optional(),
  /** For splits without answers: the submission file written instead of a score. */
  submission: z.string().optional(),
  /** LLM-graded tasks (mm-vet): the grader's figures as the benchmark's evaluator reports them, with its failures counted. */
  grader: z
    .strictObject({
      protocol: z.literal('mm-vet'),
      promptVersion: z.number().int(),
      model: z.string(),
      runs: z.number().int().positive(),
      /** 100 × the mean over graded samples of their mean grade. */
      total: z.number().nullable(),
      /** Each grading run's total, over the samples graded in that run. */
      runTotals: z.array(z.number().nullable()),
      /** Population standard deviation of the run totals. */
      runStd: z.number().nullable(),
      /** Per capability (a sample counts in each of its capabilities): 100 × mean grade, n samples. */
      capabilities: z.record(z.string(), breakdownEntrySchema),
      /** Per capability integration (the exact set, alphabetical, "_"-joined). */
      integrations: z.record(z.string(), breakdownEntrySchema),
      /** Gradings asked for (answered samples × runs), those that gave a grade, those that failed. */
      gradings: z.strictObject({ requested: z.number().int().nonnegative(), graded: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
      /** Answered samples without any grade: left out of every figure above. */
      ungradedSamples: z.number().int().nonnegative(),
    })
    .optional(),
  /** Video-ChatGPT's LLM-judge figures next to exact match (--judge); absent without a judge. */
  judge: z
    .strictObject({
      protocol: z.literal('video-chatgpt'),
      promptVersion: z.number().int(),
      model: z.string(),
      /** yes / all samples: failed judge calls and model errors count as not-yes. */
      all: summarySchema,
      /** yes / (yes + no): only samples the judge judged. */
      valid: summarySchema,
      /** Mean 0–5 score over judged samples. */
      meanScore: z.number().nullable(),
      judged: z.number().int().nonnegative(),
      failedCalls: z.number().int().nonnegative(),
    })
    .optional(),
});

/** Few-shot trials of one task × shots: each trial's ALL value, their mean and population std. */
export const trialSummarySchema = z.strictObject({
  task: z.string(),
  split: z.string(),
  shots: z.number().int(),
  seeds: z.array(z.number().int()),
  values: z.array(z.number().nullable()),
  mean: z.number().nullable(),
  populationStd: z.number().nullable(),
});

export const metricsRecordSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string(),
  generatedAt: z.string(),
  results: z.array(taskMetricsSchema),
  trialSummaries: z.array(trialSummarySchema).optional(),
});

export type RunConfig = z.infer<typeof runConfigSchema>;
export type TaskRecord = z.infer<typeof taskRecordSchema>;
export type RunRecord = z.infer<typeof runRecordSchema>;
export type SampleRecord = z.infer<typeof sampleRecordSchema>;
export type Summary = z.infer<typeof summarySchema>;
export type TaskMetrics = z.infer<typeof taskMetricsSchema>;
export type MetricsRecord = z.infer<typeof metricsRecordSchema>;
export type SampleJudgement = NonNullable<SampleRecord['judge']>;
export type JudgeMetrics = NonNullable<TaskMetrics['judge']>;
export type SampleGrade = NonNullable<SampleRecord['grades']>[number];
export type TrialSummary = z.infer<typeof trialSummarySchema>;
