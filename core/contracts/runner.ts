import type { MediaRef } from './task.js';

/** A prompt is an interleaved sequence; the same shape serves zero-shot, few-shot and video. */
export type Part =
  | { type: 'text'; text: string }
  | { type: 'image'; source: MediaRef }
  | { type: 'video'; frames: MediaRef[] };

export interface Request {
  sampleId: string;
  parts: Part[];
  system?: string;
  maxNewTokens: number;
  numBeams: number;
  stop: string[];
  /**
   * Sampling temperature; absent = greedy (0). Only an LLM judge's protocol asks for more (MM-Vet's
   * grader re-asks warmer); the OpenAI backend sends it, and it is part of the response cache key.
   */
  temperature?: number;
  /**
   * The request's own sampling seed, over the runner's: independent repeats of one request (MM-Vet's
   * five grading runs) differ in it, so neither the server nor the response cache merges them.
   */
  seed?: number;
}

export interface Output {
  text: string;
  finishReason: 'stop' | 'length' | 'error';
  error?: string;
  latencyMs: number;
  tokens?: number;
  cached?: boolean;
}

/**
 * A request to score given continuations of a prompt by log-likelihood instead of generating: Hateful
 * Memes' "yes" / "no", a multiple-choice benchmark's options. Each continuation is appended where the
 * model's answer would begin (after the chat template's assistant prefix, when the runner applies one).
 */
export interface LoglikRequest {
  sampleId: string;
  parts: Part[];
  system?: string;
  /** The continuations to score, in the order the output reports them. At least one. */
  continuations: string[];
}

export interface LoglikOutput {
  /**
   * Per continuation, in request order: the sum over its tokens of log P(token | prompt, earlier tokens),
   * natural log. Empty when `error` is set.
   */
  logprobs: number[];
  /** Per continuation: how many tokens it spans (for length-normalized scoring). Empty when `error` is set. */
  tokens: number[];
  error?: string;
  latencyMs: number;
  cached?: boolean;
}

/** Parameter counts in units (not billions). */
export interface ParamCount {
  total: number;
  vision?: number;
  projection?: number;
  language?: number;
  source: 'counted' | 'declared';
}

export interface Runner {
  id: string;
  modelId: string;
  params?: ParamCount;
  /** Facts about the model worth printing (e.g. "random-weight smoke-test model"). */
  notes?: string[];
  /** Settings this backend could not honour; recorded in run.json. */
  warnings?: string[];
  /** How many requests the engine should put in one generate call. */
  batchSize?: number;
  /** How many generate calls may be in flight at once (the next batch is prepared while one runs). */
  maxInFlight?: number;
  /**
   * What besides the request decides this runner's output (served model name, server-side generation
   * settings). Set only when the output is a deterministic function of request and identity: the response
   * cache keys on it and passes runners without it straight through.
   */
  cacheIdentity?: Record<string, unknown>;
  /** The model's maximum sequence length (prompt + new tokens), when the runner knows it. */
  contextLength?: number;
  /** Tokens the prompt occupies (images counted as their visual tokens), for fitting demonstrations. */
  promptTokens?(request: Request): Promise<number>;
  generate(batch: Request[], signal: AbortSignal): Promise<Output[]>;
  /**
   * Log-likelihood of given continuations (the `loglik` request kind). Absent on runners that cannot
   * compute it; the engine then stops before the run with an error naming the runner and the task.
   */
  scoreContinuations?(batch: LoglikRequest[], signal: AbortSignal): Promise<LoglikOutput[]>;
  close(): Promise<void>;
}

/**
 * A backend's options as the engine carries them: what its flags parsed into, recorded in run.json (so
 * JSON values only, and never a secret: an API key is passed by the NAME of its environment variable).
 */
export type RunnerOptions = Record<string, unknown>;

/** Options every backend receives besides its own, recorded with them. */
export interface CommonRunnerOptions {
  /** `--params`: declared total parameter count, over what the backend would count or leave unknown. */
  params?: number;
}

/** A command-line flag a backend owns, in yargs' option terms (structural: core/ does not depend on yargs). */
export interface BackendFlag {
  type: 'string' | 'number' | 'boolean';
  /** One help line, starting with the backend it belongs to (e.g. 'OpenAI: ...'). */
  describe: string;
  default?: string | number | boolean;
}

/**
 * The protocol's settings some backends need to turn flags into options (the presets live above
 * runners/, so the command line hands them in).
 */
export interface ProtocolSettings {
  /** The protocol's square image resolution. */
  imageSize: number;
  /** Beams the run asks for: the protocol's, or --num-beams. */
  numBeams: number;
}

/** What the engine tells a backend about the run; not options, so never recorded. */
export interface RunnerContext {
  /** `--batch-size`, when given. */
  batchSize?: number;
  /** The task when the run evaluates exactly one (a predictions file may answer several). */
  task?: string;
}

/** What the engine may ask of a backend instead of testing its scheme. */
export interface BackendCapabilities {
  /** Answers come from a file: generating costs no more than reading the data, so the engine skips its separate data pass. */
  replaysPredictions?: boolean;
  /** The model's own vision encoder folder: RICES's default image encoder. */
  visionEncoderFolder?(target: string): Promise<string>;
}

/**
 * A model backend, declared the way an AI SDK provider is: `--model SCHEME:TARGET` selects it; it owns
 * its flags, turns them into validated options, names the operational ones and creates runners. Its
 * module stays light: the runner's own modules load in `create`.
 */
export interface Backend<Options extends RunnerOptions = RunnerOptions> {
  scheme: string;
  /** One line for the help of --model. */
  usage: string;
  /** Flags this backend owns, by name; a model of another backend refuses them. */
  flags: Readonly<Record<string, BackendFlag>>;
  /** Parsed flags (all of the command's; it reads its own) → options; a ConfigError names the flag. */
  parseOptions(flags: Readonly<Record<string, unknown>>, protocol: ProtocolSettings): Options;
  /**
   * Option keys that change how a run goes but not what it computes (connections, retries, caches,
   * threads, devices): recorded in run.json, left out of the configuration hash, so a run resumed with
   * other values continues the same run.
   */
  operational: readonly string[];
  capabilities: BackendCapabilities;
  create(target: string, options: Options & CommonRunnerOptions, context: RunnerContext): Promise<Runner>;
}
