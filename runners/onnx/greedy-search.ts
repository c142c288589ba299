// Batched greedy decoding with per-row stopping: a row that finishes leaves the batch (its KV cache rows
// are dropped), so the rest of the batch stops paying for it.
import { DecodingState } from './decoding-state.js';
import { GenerationAborted, type GeneratedRow, type GenerationContext, type GenerationRow } from './generation-types.js';
import { argmax } from './logits-math.js';
import { embedPrompts, embedTokens } from './prompt-embedding.js';
import { finalText, finishReasonAfter } from './stop-criteria.js';

export async function greedySearch(context: GenerationContext, rows: GenerationRow[]): Promise<GeneratedRow[]> {
  const { model } = context;
  const results = new Array<GeneratedRow>(rows.length);
  const generated = rows.map((): number[] => []);
  const state = new DecodingState(model, rows.length);
  const prompt = await embedPrompts(model, rows, context.imageTokenId, context.padTokenId, context.geometry);
  let logits = await state.step(prompt.embeds, prompt.mask, 1, prompt.imageTokens);
  /** active[stateRow] = index of the request row it holds. */
  let active = rows.map((_, index) => index);

  for (;;) {
    const keep: number[] = [];
    const nextTokens: number[] = [];
    active.forEach((rowIndex, stateRow) => {
      const token = argmax(logits.values, stateRow * logits.vocabularySize, logits.vocabularySize);
      const tokens = generated[rowIndex];
      tokens.push(token);
      const reason = finishReasonAfter(tokens, rows[rowIndex], context);
      if (reason) {
        results[rowIndex] = { tokenIds: tokens, text: finalText(tokens, rows[rowIndex].stop, context), finishReason: reason };
      } else {
        keep.push(stateRow);
        nextTokens.push(token);
      }
    });
    if (keep.length === 0) return results;
    if (context.shouldStop()) throw new GenerationAborted();
    if (keep.length < active.length) {
      state.selectRows(keep);
      active = keep.map((stateRow) => active[stateRow]);
    }
    const embeds = await embedTokens(model, nextTokens, keep.length, 1);
    logits = await state.step(embeds, new Uint8Array(keep.length).fill(1), 1);
  }
}
