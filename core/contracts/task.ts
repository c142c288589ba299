import type { EvaluatorId, MetricId } from './metric.js';

/**
 * The media a sample refers to: a file under the data root, or an image's encoded bytes carried inline
 * (datasets distributed as Parquet embed their images). A consumer must handle both: `path` exists
 * only on files, so reading it needs a check of `source` first (core/media-ref.ts has the shared
 * helpers: identity for caches, origin for messages, the bytes themselves).
 */
export type MediaRef = MediaFile | MediaBytes;

/** A media file. `path` is absolute and was checked to lie inside `root`. */
export interface MediaFile {
  /** Absent on refs built before inline bytes existed: a ref without `source` is a file. */
  source?: 'file';
  kind: 'image' | 'video' | 'frames';
  path: string;
  /** The data root the path must stay inside; readers re-check containment after resolving symlinks. */
  root: string;
}

/** An image's encoded bytes (JPEG, PNG ...), as a Parquet dataset stores them. */
export interface MediaBytes {
  source: 'bytes';
  kind: 'image';
  bytes: Uint8Array;
  /** Hex SHA-256 of `bytes`: the image's identity in every cache (the same picture as a file hashes the same). */
  sha256: string;
  /** Where the bytes came from, for messages: the dataset file, and the place inside it (`row 12, column image`). */
  origin: { file: string; field: string };
}

export interface Sample {
  id: string;
  question: string;
  /** Gold answers: ten human answers for VQA-style tasks, one for exact-match tasks, none for test splits. */
  answers: string[];
  media: MediaRef[];
  /**
   * Where each media item belongs in the question: `mediaPlaceholders[i]` is the text marking
   * `media[i]`'s place (MMMU's `<image 1>`); the prompt puts the item there instead of before the text.
   * Absent: every item comes before the text.
   */
  mediaPlaceholders?: string[];
  /** Breakdown keys (answerType, questionType, ...) and source ids (imageId, videoId ...). */
  meta: Record<string, unknown>;
}

export interface SplitInfo {
  name: string;
  /** Test splits without annotations produce a submission file instead of a score. */
  hasAnswers: boolean;
  /** Relative file names (inside the data root) this split reads; used by `data check` and fingerprints. */
  files: string[];
}

export interface LoadOptions {
  /** Data root: the bundled sample folder or the user's `--data`. */
  dataDir: string;
  split: string;
  /** Skip image existence checks (rescoring predictions needs only questions and annotations). */
  textOnly?: boolean;
  /**
   * When set, schema and consistency problems are reported here and the offending element is skipped,
   * instead of throwing a DataError at the first one: `data check` lists every problem in one pass.
   */
  onProblem?: (problem: DataProblem) => void;
}

/** One thing wrong with a dataset file. `message` says what is wrong; `file` and `field` say where. */
export interface DataProblem {
  file: string;
  /** JSON path inside the file, e.g. `annotations[12].answers[3].answer`. */
  field?: string;
  message: string;
}

/**
 * A task's own prompt pieces under one protocol preset, replacing the preset's: a benchmark with its
 * own instruction (MMBench's "Answer with the option's letter ...") declares it here. `{question}` and
 * `{answer}` are filled as in the presets (docs/adding-a-task.md#prompt-pieces).
 */
export interface TaskPromptPieces {
  zeroShotTemplate?: string;
  demoTemplate?: string;
  queryTemplate?: string;
  /** Tokens to generate under this protocol, unless --max-new-tokens is given. */
  maxNewTokens?: number;
  /** The system message under this protocol, replacing the preset's (Emu2-Chat's MM-Vet runs ask for long answers). */
  system?: string;
}

/** Per-continuation log-likelihoods of one sample, in the order `continuations` gave them. */
export interface ContinuationScores {
  continuations: readonly string[];
  logprobs: readonly number[];
  tokens: readonly number[];
}

/**
 * How a task asks the model. `generate`: free-form answer, extracted and scored. `loglik`: the model
 * scores the task's continuations (Runner.scoreContinuations) and the task turns their log-likelihoods
 * into the prediction that gets scored (the argmax option, or a probability for ROC AUC).
 */
export type TaskRequestKind =
  | { kind: 'generate' }
  | {
      kind: 'loglik';
      /** The continuations to score for this sample (at least one); appended where the answer begins. */
      continuations(sample: Sample): string[];
      /** The prediction recorded as `extracted` and passed to the scoring rule. Pure. */
      predict(scores: ContinuationScores, sample: Sample): string;
      /** A binary classification scored by a corpus metric (ROC AUC): what the record's `binary` field keeps. */
      binary?: BinaryClassification;
    };

/**
 * A binary classification task's inputs to a corpus metric such as ROC AUC, recorded per sample
 * (samples.jsonl `binary`): the gold label, and the model's score for the positive class.
 */
export interface BinaryClassification {
  /** The sample's gold label, 1 = the positive class; undefined when it has none (a split without answers). */
  label(sample: Sample): 0 | 1 | undefined;
  /** The model's score for the positive class, higher = more positive (a probability such as P(yes)). Pure. */
  score(scores: ContinuationScores, sample: Sample): number;
}

export interface TaskAdapter {
  id: string;
  /** The benchmark's name as papers and published tables spell it (VQAv2, MSVD-QA); reports show it. */
  benchmark: string;
  /** Bumped whenever the prompt, the data reading or the metric changes. */
  version: number;
  modality: 'image' | 'video';
  metric: MetricId;
  /** The official evaluator whose rule scores this task (docs/official-evaluators.md). */
  evaluator: EvaluatorId;
  description: string;
  splits: SplitInfo[];
  defaultSplit: string;
  /** Split holding few-shot demonstrations. */
  trainSplit?: string;
  /** Folder name of this task's bundled synthetic sample under tasks/samples/data/; without one, --data is required. */
  sampleFolder?: string;
  /** Sample meta keys copied into each samples.jsonl record, in this order (breakdowns read them from there). */
  recordMeta: readonly string[];
  /** Record meta keys metrics.json breaks the score down by (answer type, question type ...), in this order. */
  breakdowns: readonly string[];
  /** A record meta key whose samples share difficulty (a video's questions): CIs then cluster by it. */
  clusterBy?: string;
  /** How the model is asked; absent = `generate`. */
  request?: TaskRequestKind;
  /** Prompt pieces per protocol preset id, replacing the preset's own where given. */
  prompts?: Readonly<Record<string, TaskPromptPieces>>;
  /**
   * The benchmark's own answer parsing of a generated output (MMMU's parse_multi_choice_response):
   * it replaces the run's extraction strategy for this task; its result is recorded as `extracted`,
   * scored by the rule and written to submission files. Pure.
   */
  parseAnswer?(output: string, sample: Sample): string;
  /** How a submission file (splits without answers) names a question; EvalAI's default is question_id. */
  submissionKey?: 'question_id' | 'image';
  /**
   * The submission file's shape: `list` (default), EvalAI's `[{<submissionKey>, answer}]`; `id-to-answer`,
   * one object mapping each sample id to its answer (MMMU's leaderboard file).
   */
  submissionFormat?: 'list' | 'id-to-answer';
  /**
   * Another way to ask the same questions, chosen with `--answer-by likelihood`: its fields replace the
   * task's (SEED-Bench's own eval.py ranks the options by likelihood instead of generating a letter).
   */
  likelihood?: Pick<TaskAdapter, 'load' | 'prompts'> & { request: Extract<TaskRequestKind, { kind: 'loglik' }> };
  /**
   * Writes the submission file of a split without answers in the benchmark's own format, instead of
   * EvalAI's JSON; returns its file name inside the run directory.
   */
  writeSubmission?(target: SubmissionTarget, answers: readonly SubmittedAnswer[]): Promise<string>;
  load(options: LoadOptions): AsyncIterable<Sample>;
}

/** Where a task's own submission file goes and what it is made from. */
export interface SubmissionTarget {
  runDirectory: string;
  /** The file name's split part (`test`, or `test-4shot-trial0` for few-shot trials). */
  label: string;
  split: string;
  dataDir: string;
}

/** A sample's answer as recorded: the model's raw output and the extracted answer; errored samples are left out. */
export interface SubmittedAnswer {
  id: string;
  answer: string;
  output: string;
}
