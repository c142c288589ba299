// Shapes shared by the search strategies, the worker and the runner.
import type { ModelSessions } from './sessions.js';
import type { ImageGeometry, PromptRow } from './prompt-embedding.js';

export interface GenerationRow extends PromptRow {
  maxNewTokens: number;
  numBeams: number;
  stop: string[];
}

export interface GeneratedRow {
  /** Generated token ids, including a final EOS token when one ended the row. */
  tokenIds: number[];
  text: string;
  finishReason: 'stop' | 'length' | 'error';
  error?: string;
}

export interface GenerationContext {
  model: ModelSessions;
  decode(ids: number[]): string;
  eosTokenIds: ReadonlySet<number>;
  padTokenId: number;
  imageTokenId: number;
  geometry: ImageGeometry;
  /** Beam search scores a finished hypothesis as sum(log p) / length^lengthPenalty (Hugging Face's rule). */
  lengthPenalty: number;
  earlyStopping: boolean | 'never';
  /** Polled between decoder steps; true stops the batch with GenerationAborted. */
  shouldStop(): boolean;
}

export class GenerationAborted extends Error {
  override name = 'AbortError';
  constructor() {
    super('generation was aborted');
  }
}
