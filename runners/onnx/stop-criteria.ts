// When a row is finished and what its text is. A row ends at an EOS token, when its decoded text
// contains a stop string, or at max_new_tokens. Stop strings are cut from the returned text (with what
// follows them), as evaluation harnesses expect; the EOS token is never part of the text.
import type { GenerationContext, GenerationRow } from './generation-types.js';

export type FinishReason = 'stop' | 'length';

/** Checked after each new token; `undefined` means the row goes on. */
export function finishReasonAfter(tokenIds: number[], row: GenerationRow, context: GenerationContext): FinishReason | undefined {
  if (context.eosTokenIds.has(tokenIds[tokenIds.length - 1])) return 'stop';
  if (row.stop.length > 0 && containsStopString(context.decode(tokenIds), row.stop)) return 'stop';
  if (tokenIds.length >= row.maxNewTokens) return 'length';
  return undefined;
}

export function containsStopString(text: string, stops: string[]): boolean {
  return stops.some((stop) => stop.length > 0 && text.includes(stop));
}

/** The row's final text: decoded without a trailing EOS, cut before the earliest stop string. */
export function finalText(tokenIds: number[], stops: string[], context: GenerationContext): string {
  const ended = tokenIds.length > 0 && context.eosTokenIds.has(tokenIds[tokenIds.length - 1]);
  const text = context.decode(ended ? tokenIds.slice(0, -1) : tokenIds);
  let cut = text.length;
  for (const stop of stops) {
    if (stop.length === 0) continue;
    const index = text.indexOf(stop);
    if (index >= 0 && index < cut) cut = index;
  }
  return text.slice(0, cut);
}
