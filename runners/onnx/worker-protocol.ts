// Messages between the runner (main thread) and its inference workers. Pixel tensors travel as
// transferred ArrayBuffers; cancellation is a shared flag the worker polls between decoder steps,
// because a worker busy in session.run cannot read messages.
import type { ModelSettings } from './config.js';
import type { GeneratedRow, GenerationRow } from './generation-types.js';
import type { ModelComponent } from './model-folder.js';
import type { LoglikRow, ScoredRow } from './score-continuations.js';
import type { SessionSettings } from './sessions.js';

export interface WorkerInit {
  type: 'init';
  directory: string;
  files: Record<ModelComponent, string>;
  settings: ModelSettings;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  tokenizerVocabularySize: number;
  session: SessionSettings;
  imageHeight: number;
  imageWidth: number;
  label: string;
}

export interface GenerateJob {
  type: 'generate';
  jobId: number;
  rows: GenerationRow[];
  /** Int32 flag: set to 1 by the main thread to stop the job between decoder steps. */
  cancel: SharedArrayBuffer;
}

/** The loglik request kind: score given continuations of each row's prompt. */
export interface LoglikJob {
  type: 'loglik';
  jobId: number;
  rows: LoglikRow[];
  /** As GenerateJob's. */
  cancel: SharedArrayBuffer;
}

export type Job = GenerateJob | LoglikJob;

export type WorkerRequest = WorkerInit | Job;

export interface WorkerReady {
  type: 'ready';
  tokensPerImage: number;
  layers: number;
  hiddenSize?: number;
  vocabularySize?: number;
  decoderType: string;
}

export interface WorkerInitFailed {
  type: 'init-failed';
  message: string;
  /** A problem with the model files or settings (ConfigError), as opposed to a runtime fault. */
  configError: boolean;
}

export interface JobDone {
  type: 'done';
  jobId: number;
  /** GeneratedRow[] for a generate job, ScoredRow[] for a loglik job, one per row in order. */
  results: GeneratedRow[] | ScoredRow[];
  computeMs: number;
}

export interface JobFailed {
  type: 'failed';
  jobId: number;
  message: string;
  aborted: boolean;
}

export type WorkerResponse = WorkerReady | WorkerInitFailed | JobDone | JobFailed;
