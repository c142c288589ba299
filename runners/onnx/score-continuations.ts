// The loglik request kind inside a worker: log P(continuation | prompt) for each of a prompt's
// continuations. The prompt (images spliced in) is prefilled once for all of them; its KV cache is then
// copied to one row per continuation, and all continuation tokens go through the decoder in one more
// step (right-padded to the longest), whose logits at every position give the teacher-forced
// log-probabilities. Single-token continuations (Hateful Memes' "yes" / "no") need only the prefill.
import { DecodingState } from './decoding-state.js';
import { GenerationAborted, type GenerationContext } from './generation-types.js';
import { logSoftmax } from './logits-math.js';
import { embedPrompts, embedTokens, placeholderCount, type PromptRow } from './prompt-embedding.js';

export interface LoglikRow extends PromptRow {
  /** Token ids of each continuation, appended after the prompt's last token. Each non-empty. */
  continuations: number[][];
}

export interface ScoredRow {
  /** Per continuation: the sum of its tokens' log-probabilities (natural log). */
  logprobs: number[];
  /** Per continuation: its token count. */
  tokens: number[];
  error?: string;
}

export async function scoreRows(context: GenerationContext, rows: LoglikRow[]): Promise<ScoredRow[]> {
  const results = new Array<ScoredRow | undefined>(rows.length);
  const runnable: number[] = [];
  rows.forEach((row, index) => {
    const expected = row.imageCount * context.geometry.tokensPerImage;
    const found = placeholderCount(row.inputIds, context.imageTokenId);
    if (found !== expected) results[index] = scoreErrorRow(`the prompt has ${found} image-token positions but its ${row.imageCount} image(s) fill ${expected}`);
    else if (row.continuations.length === 0 || row.continuations.some((tokens) => tokens.length === 0)) results[index] = scoreErrorRow('a continuation to score has no tokens');
    else runnable.push(index);
  });
  if (runnable.length === 0) return results as ScoredRow[];
  const scored = await scorePrompts(context, runnable.map((index) => rows[index]));
  runnable.forEach((index, position) => (results[index] = scored[position]));
  return results as ScoredRow[];
}

export function scoreErrorRow(message: string): ScoredRow {
  return { logprobs: [], tokens: [], error: message };
}

async function scorePrompts(context: GenerationContext, rows: LoglikRow[]): Promise<ScoredRow[]> {
  const { model } = context;
  const state = new DecodingState(model, rows.length);
  const prompt = await embedPrompts(model, rows, context.imageTokenId, context.padTokenId, context.geometry);
  const last = await state.step(prompt.embeds, prompt.mask, 1, prompt.imageTokens);
  const vocabulary = last.vocabularySize;
  /** The first token of every continuation is predicted by the prompt's last position. */
  const promptLogProbabilities = rows.map((_, row) => logSoftmax(last.values, row * vocabulary, vocabulary));
  const expanded = rows.flatMap((row, rowIndex) => row.continuations.map((tokens) => ({ rowIndex, tokens })));
  const sums = expanded.map(({ rowIndex, tokens }) => promptLogProbabilities[rowIndex][tokens[0]]);

  const longest = Math.max(...expanded.map(({ tokens }) => tokens.length));
  if (longest > 1) {
    if (context.shouldStop()) throw new GenerationAborted();
    // The last token of each continuation predicts nothing we score, so it is not fed.
    const steps = longest - 1;
    state.selectRows(expanded.map(({ rowIndex }) => rowIndex));
    const ids = new Array<number>(expanded.length * steps).fill(context.padTokenId);
    const mask = new Uint8Array(expanded.length * steps);
    expanded.forEach(({ tokens }, row) => {
      for (let index = 0; index < tokens.length - 1; index++) {
        ids[row * steps + index] = tokens[index];
        mask[row * steps + index] = 1;
      }
    });
    const embeds = await embedTokens(model, ids, expanded.length, steps);
    const logits = await state.step(embeds, mask, 0);
    expanded.forEach(({ tokens }, row) => {
      for (let index = 1; index < tokens.length; index++) {
        const offset = (row * logits.positions + index - 1) * vocabulary;
        sums[row] += logSoftmax(logits.values, offset, vocabulary)[tokens[index]];
      }
    });
  }

  let next = 0;
  return rows.map((row) => {
    const count = row.continuations.length;
    const logprobs = sums.slice(next, next + count);
    next += count;
    return { logprobs, tokens: row.continuations.map((tokens) => tokens.length) };
  });
}
