// Batched beam search following Hugging Face's BeamSearchScorer: each step takes the best 2×beams
// candidates per request; an EOS (or a stop string) among the top `beams` closes a hypothesis scored
// sum(log p) / length^length_penalty; a request is done when it has `beams` hypotheses and, unless
// early_stopping is true, no running beam can still beat the worst of them. Lengths count generated
// tokens including the EOS, on both sides of that comparison, which makes one beam exactly greedy.
import { DecodingState } from './decoding-state.js';
import { GenerationAborted, type GeneratedRow, type GenerationContext, type GenerationRow } from './generation-types.js';
import { logSoftmax, topIndices } from './logits-math.js';
import { embedPrompts, embedTokens } from './prompt-embedding.js';
import { containsStopString, finalText } from './stop-criteria.js';

export interface Beam {
  tokens: number[];
  score: number;
  stateRow: number;
}

export interface Hypothesis {
  tokens: number[];
  normalizedScore: number;
  reason: 'stop' | 'length';
}

export interface RequestSearch {
  row: GenerationRow;
  beams: Beam[];
  hypotheses: Hypothesis[];
  done: boolean;
}

export async function beamSearch(context: GenerationContext, rows: GenerationRow[], beamCount: number): Promise<GeneratedRow[]> {
  const { model } = context;
  const state = new DecodingState(model, rows.length);
  const prompt = await embedPrompts(model, rows, context.imageTokenId, context.padTokenId, context.geometry);
  let logits = await state.step(prompt.embeds, prompt.mask, 1, prompt.imageTokens);
  const searches = rows.map((row, index) => newSearch(row, index));

  for (;;) {
    const sources: number[] = [];
    const nextTokens: number[] = [];
    for (const search of searches) {
      if (search.done) continue;
      const nextBeams = advance(search, rankCandidates(search, logits.values, logits.vocabularySize, beamCount), beamCount, context);
      if (search.done) continue;
      for (const beam of nextBeams) {
        sources.push(beam.stateRow);
        beam.stateRow = sources.length - 1;
        nextTokens.push(beam.tokens[beam.tokens.length - 1]);
      }
      search.beams = nextBeams;
    }
    if (sources.length === 0) break;
    if (context.shouldStop()) throw new GenerationAborted();
    state.selectRows(sources);
    const embeds = await embedTokens(model, nextTokens, sources.length, 1);
    logits = await state.step(embeds, new Uint8Array(sources.length).fill(1), 1);
  }

  return searches.map((search) => {
    const best = bestHypothesis(search);
    return { tokenIds: best.tokens, text: finalText(best.tokens, search.row.stop, context), finishReason: best.reason };
  });
}

export function newSearch(row: GenerationRow, stateRow: number): RequestSearch {
  return { row, beams: [{ tokens: [], score: 0, stateRow }], hypotheses: [], done: false };
}

export function bestHypothesis(search: RequestSearch): Hypothesis {
  return search.hypotheses.reduce((top, hypothesis) => (hypothesis.normalizedScore > top.normalizedScore ? hypothesis : top));
}

/** A candidate continuation: beam index within the request, token, and the beam's score plus its log p. */
export interface Candidate {
  beam: number;
  token: number;
  score: number;
}

/** Each beam's best 2×beams tokens, best first (ties: lower beam, then lower token). */
function rankCandidates(search: RequestSearch, logits: Float32Array, vocabularySize: number, beamCount: number): Candidate[] {
  const candidates: Candidate[] = [];
  search.beams.forEach((beam, beamIndex) => {
    const logProbabilities = logSoftmax(logits, beam.stateRow * vocabularySize, vocabularySize);
    for (const token of topIndices(logProbabilities, 2 * beamCount)) {
      candidates.push({ beam: beamIndex, token, score: beam.score + logProbabilities[token] });
    }
  });
  candidates.sort((left, right) => right.score - left.score || left.beam - right.beam || left.token - right.token);
  return candidates;
}

/**
 * One step for one request from its ranked candidates: picks the next beams (their stateRow still
 * points at the source row) and closes hypotheses; sets `search.done` when the request is finished.
 */
export function advance(search: RequestSearch, candidates: Candidate[], beamCount: number, context: Pick<GenerationContext, 'eosTokenIds' | 'decode' | 'lengthPenalty' | 'earlyStopping'>): Beam[] {
  const next: Beam[] = [];
  for (let rank = 0; rank < candidates.length && next.length < beamCount; rank++) {
    const candidate = candidates[rank];
    const source = search.beams[candidate.beam];
    const tokens = [...source.tokens, candidate.token];
    const closes = context.eosTokenIds.has(candidate.token) || (search.row.stop.length > 0 && containsStopString(context.decode(tokens), search.row.stop));
    if (closes) {
      // Hugging Face ignores an ending that ranks below the top `beams` candidates.
      if (rank < beamCount) addHypothesis(search, tokens, candidate.score, 'stop', beamCount, context.lengthPenalty);
      continue;
    }
    next.push({ tokens, score: candidate.score, stateRow: source.stateRow });
  }

  const length = search.beams[0].tokens.length + 1;
  if (next.length === 0) {
    search.done = true;
  } else if (length >= search.row.maxNewTokens) {
    for (const beam of next) addHypothesis(search, beam.tokens, beam.score, 'length', beamCount, context.lengthPenalty);
    search.done = true;
  } else {
    search.done = isDone(search, next[0].score, length, beamCount, context);
  }
  return next;
}

function addHypothesis(search: RequestSearch, tokens: number[], score: number, reason: Hypothesis['reason'], beamCount: number, lengthPenalty: number): void {
  search.hypotheses.push({ tokens, normalizedScore: score / Math.pow(tokens.length, lengthPenalty), reason });
  if (search.hypotheses.length > beamCount) {
    let worst = 0;
    search.hypotheses.forEach((hypothesis, index) => {
      if (hypothesis.normalizedScore < search.hypotheses[worst].normalizedScore) worst = index;
    });
    search.hypotheses.splice(worst, 1);
  }
}

function isDone(search: RequestSearch, bestRunningScore: number, length: number, beamCount: number, context: Pick<GenerationContext, 'lengthPenalty' | 'earlyStopping'>): boolean {
  if (search.hypotheses.length < beamCount) return false;
  if (context.earlyStopping === true) return true;
  const worst = Math.min(...search.hypotheses.map((hypothesis) => hypothesis.normalizedScore));
  // 'never': the best running beam could still grow to max_new_tokens, which flatters it when lengthPenalty > 0.
  const boundLength = context.earlyStopping === 'never' && context.lengthPenalty > 0 ? search.row.maxNewTokens : length;
  return worst >= bestRunningScore / Math.pow(boundLength, context.lengthPenalty);
}
