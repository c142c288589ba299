// The generation context for one set of sessions, with the model folder's settings applied as the
// worker applies them (EOS ids, the pad id falling back to the first EOS id, beam-search scoring).
import type { ModelSettings } from './config.js';
import type { GenerationContext } from './generation-types.js';
import type { ImageGeometry } from './prompt-embedding.js';
import type { ModelSessions } from './sessions.js';
import type { TextTokenizer } from './tokenizer.js';

export function generationContext(model: ModelSessions, settings: ModelSettings, tokenizer: TextTokenizer, geometry: ImageGeometry): Omit<GenerationContext, 'shouldStop'> {
  return {
    model,
    decode: (ids) => tokenizer.decode(ids),
    eosTokenIds: new Set(settings.eosTokenIds),
    padTokenId: settings.padTokenId ?? settings.eosTokenIds[0] ?? 0,
    imageTokenId: settings.imageTokenId,
    geometry,
    lengthPenalty: settings.lengthPenalty,
    earlyStopping: settings.earlyStopping,
  };
}
