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
}

export interface Output {
  text: string;
  finishReason: 'stop' | 'length' | 'error';
  error?: string;
  latencyMs: number;
  tokens?: number;
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
  close(): Promise<void>;
}

export interface RunnerOptions {
  /** Generation defaults from the protocol preset; runners may override per request. */
  batchSize?: number;
  device?: string;
  devices?: string[];
  dtype?: string;
  threads?: number;
  params?: number;
  numBeams?: number;
  maxNewTokens?: number;
  // OpenAI-compatible servers (openai:URL). The API key is never an option, only the name of the
  // environment variable holding it: runner options are recorded in run.json.
  modelName?: string;
  apiKeyEnv?: string;
  /** Most requests in flight across all replicas; adaptive concurrency stays at or below it. */
  concurrency?: number;
  /** Server-specific request fields (e.g. vLLM's beam search), merged into every request body. */
  extraBody?: Record<string, unknown>;
  requestTimeoutMs?: number;
  maxRetries?: number;
  /** First retry's backoff; later ones double it (with jitter). */
  retryDelayMs?: number;
  /** Re-encode images as square JPEGs of this size before sending (the protocol's resolution). */
  imageSize?: number;
  noCache?: boolean;
  cacheDir?: string;
}
