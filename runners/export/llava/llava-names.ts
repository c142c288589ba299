// Where LLaVA's weights live in a checkpoint. transformers ≥ 4.52 saves LlavaForConditionalGeneration
// with `model.language_model.…`, `model.vision_tower.…`, `model.multi_modal_projector.…` and a top-level
// `lm_head.weight`; earlier versions (and the llava-hf uploads) with `language_model.model.…`,
// `language_model.lm_head.weight`, `vision_tower.…`, `multi_modal_projector.…`. The exporter asks for
// LLaMA's own names (`model.layers.0.…`) and this maps them to whichever generation the checkpoint has.
import { DataError } from '../../../core/errors.js';

export interface LlavaNames {
  generation: 'classic' | 'current';
  /** Prefix of the CLIP vision model's tensors (`…vision_model.`). */
  vision: string;
  projector: string;
  /** Maps a LLaMA decoder name (`model.layers.N…`, `model.norm.weight`, `model.embed_tokens.weight`, `lm_head.weight`). */
  text(name: string): string;
}

const GENERATIONS = {
  classic: { textModel: 'language_model.model.', lmHead: 'language_model.lm_head.weight', vision: 'vision_tower.vision_model.', projector: 'multi_modal_projector.' },
  current: { textModel: 'model.language_model.', lmHead: 'lm_head.weight', vision: 'model.vision_tower.vision_model.', projector: 'model.multi_modal_projector.' },
} as const;

export function detectLlavaNames(tensors: ReadonlyMap<string, unknown>, folder: string, tieWordEmbeddings: boolean): LlavaNames {
  const found = (Object.keys(GENERATIONS) as Array<keyof typeof GENERATIONS>).find((generation) => tensors.has(`${GENERATIONS[generation].textModel}embed_tokens.weight`));
  if (!found) {
    throw new DataError(
      `${folder}: no LLaVA token embedding found: expected ${GENERATIONS.classic.textModel}embed_tokens.weight (transformers < 4.52) or ` +
        `${GENERATIONS.current.textModel}embed_tokens.weight (≥ 4.52); the checkpoint's first tensors are ${[...tensors.keys()].slice(0, 5).join(', ')}`,
      folder,
    );
  }
  const names = GENERATIONS[found];
  // Tied checkpoints may omit lm_head and reuse the embedding matrix as the output projection.
  const lmHead = tieWordEmbeddings && !tensors.has(names.lmHead) ? `${names.textModel}embed_tokens.weight` : names.lmHead;
  return {
    generation: found,
    vision: names.vision,
    projector: names.projector,
    text: (name) => (name === 'lm_head.weight' ? lmHead : `${names.textModel}${name.replace(/^model\./, '')}`),
  };
}
