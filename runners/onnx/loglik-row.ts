// LoglikRequest → the worker's row: the prompt encoded exactly as for generation (chat template with its
// generation prompt when the request has a system message, so a continuation starts where the answer
// would), and each continuation tokenized on its own without special tokens and appended after it.
// That is OpenFlamingo's rule for Hateful Memes and its other classification tasks
// (get_rank_classifications: `tokenizer(class_name, add_special_tokens=False)` concatenated to the
// context ids), which Flamingo-protocol scores are published under. lm-evaluation-harness instead
// encodes context + continuation jointly and splits; the two differ only when the tokenizer would merge
// across the boundary, which a LLaMA tokenizer does not do after "Answer:".
import type { MediaRef } from '../../core/contracts/task.js';
import type { LoglikRequest } from '../../core/contracts/runner.js';
import type { ModelFolder } from './model-folder.js';
import { PromptEncodingError, type PromptEncoder } from './prompt-encoding.js';
import type { LoglikRow } from './score-continuations.js';
import type { TextTokenizer } from './tokenizer.js';

export function loglikRow(request: LoglikRequest, encoder: PromptEncoder, tokenizer: TextTokenizer, folder: ModelFolder): { row: Omit<LoglikRow, 'pixelValues'>; images: MediaRef[] } {
  if (request.continuations.length === 0) throw new PromptEncodingError('the request has no continuations to score');
  const encoded = encoder.encode({ sampleId: request.sampleId, parts: request.parts, ...(request.system !== undefined ? { system: request.system } : {}), maxNewTokens: 0, numBeams: 1, stop: [] });
  const continuations = request.continuations.map((text) => {
    const ids = tokenizer.encode(text, false);
    if (ids.length === 0) throw new PromptEncodingError(`the continuation ${JSON.stringify(text)} has no tokens`);
    return ids;
  });
  const longest = Math.max(...continuations.map((ids) => ids.length));
  const { maxPositions } = folder.settings;
  if (maxPositions !== undefined && encoded.inputIds.length + longest > maxPositions) {
    throw new PromptEncodingError(`the prompt (${encoded.inputIds.length} tokens) and its longest continuation (${longest}) exceed the model's max_position_embeddings of ${maxPositions}`);
  }
  return { row: { inputIds: encoded.inputIds, imageCount: encoded.images.length, continuations }, images: encoded.images };
}
