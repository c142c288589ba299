// Entry point of generation inside a worker: validates each row's image placeholders, then runs greedy
// search for rows with one beam and beam search per beam count — step by step from JavaScript, or in
// one run of the decode-loop graph when that is what the worker loaded. A bad row becomes an error
// result; the rest of the batch still runs.
import { beamSearch } from './beam-search.js';
import { graphSearch } from './decode-loop/graph-search.js';
import type { GeneratedRow, GenerationContext, GenerationRow } from './generation-types.js';
import { greedySearch } from './greedy-search.js';
import { placeholderCount } from './prompt-embedding.js';

export async function generateRows(context: GenerationContext, rows: GenerationRow[]): Promise<GeneratedRow[]> {
  const results = new Array<GeneratedRow | undefined>(rows.length);
  const groups = new Map<number, number[]>();
  rows.forEach((row, index) => {
    const expected = row.imageCount * context.geometry.tokensPerImage;
    const found = placeholderCount(row.inputIds, context.imageTokenId);
    if (found !== expected) {
      results[index] = errorRow(`the prompt has ${found} image-token positions but its ${row.imageCount} image(s) fill ${expected}`);
    } else if (row.maxNewTokens <= 0) {
      results[index] = { tokenIds: [], text: '', finishReason: 'length' };
    } else {
      const beams = Math.max(1, Math.floor(row.numBeams));
      groups.set(beams, [...(groups.get(beams) ?? []), index]);
    }
  });
  for (const [beams, indices] of [...groups].sort(([left], [right]) => left - right)) {
    const groupRows = indices.map((index) => rows[index]);
    const generated = context.model.decodeLoop
      ? await graphSearch(context, groupRows, beams)
      : beams === 1
        ? await greedySearch(context, groupRows)
        : await beamSearch(context, groupRows, beams);
    indices.forEach((index, position) => (results[index] = generated[position]));
  }
  return results as GeneratedRow[];
}

export function errorRow(message: string): GeneratedRow {
  return { tokenIds: [], text: '', finishReason: 'error', error: message };
}
