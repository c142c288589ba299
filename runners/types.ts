import type { MediaRef } from '../tasks/types.js';

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
}
