// Generation through the decode-loop graph (./loop-model.ts): one session run per batch does the
// prefill and every decoder step, then the per-step candidates it returns are replayed here with the
// step loop's own rules — finishReasonAfter for greedy search, advance() for beam search — so both
// routes choose the same tokens. Stop strings are applied in that replay: greedy search stops at the
// first token whose text contains one (as the step loop does); beam search cuts them from the chosen
// hypothesis, since the graph cannot decode text and so does not end hypotheses at them.
import { Tensor } from 'onnxruntime-node';
import { advance, bestHypothesis, newSearch, type Candidate } from '../beam-search.js';
import { emptyCache, stepInputs } from '../decoding-state.js';
import { GenerationAborted, type GeneratedRow, type GenerationContext, type GenerationRow } from '../generation-types.js';
import { embedPrompts } from '../prompt-embedding.js';
import { containsStopString, finalText, finishReasonAfter } from '../stop-criteria.js';
import { integerTensor } from '../tensors.js';
import { LOOP_IO } from './loop-model.js';

/** Per-step candidates as the graph returns them: [steps, requests, candidates]. */
interface StepCandidates {
  steps: number;
  perRequest: number;
  tokens: BigInt64Array;
  beams: BigInt64Array;
  scores: Float64Array;
}

const EARLY_STOPPING_CODES = { false: 0n, true: 1n, never: 2n } as const;

export async function graphSearch(context: GenerationContext, rows: GenerationRow[], beamCount: number): Promise<GeneratedRow[]> {
  const { model } = context;
  const session = model.decodeLoop;
  if (!session) throw new Error('the graph decode loop was not loaded');
  const { decoder } = model.signature;
  const prompt = await embedPrompts(model, rows, context.imageTokenId, context.padTokenId, context.geometry);
  const steps = prompt.embeds.dims[1];
  const start = stepInputs(decoder, emptyCache(decoder, rows.length), prompt.mask, steps, prompt.imageTokens);
  const eos = context.eosTokenIds.size > 0 ? [...context.eosTokenIds] : [-1];
  const feeds: Record<string, Tensor> = {
    [LOOP_IO.inputsEmbeds]: prompt.embeds,
    [LOOP_IO.attentionMask]: new Tensor(decoder.maskType, start.mask, [rows.length, steps]),
    [LOOP_IO.nextPositions]: integerTensor('int64', start.nextPositions, [rows.length]),
    [LOOP_IO.maxNewTokens]: integerTensor('int64', rows.map((row) => row.maxNewTokens), [rows.length]),
    [LOOP_IO.numBeams]: integerTensor('int64', [beamCount], []),
    [LOOP_IO.eosTokenIds]: integerTensor('int64', eos, [eos.length]),
    [LOOP_IO.lengthPenalty]: new Tensor('float64', Float64Array.of(context.lengthPenalty), []),
    [LOOP_IO.earlyStopping]: new Tensor('int64', BigInt64Array.of(EARLY_STOPPING_CODES[String(context.earlyStopping) as keyof typeof EARLY_STOPPING_CODES]), []),
  };
  if (decoder.positionName) feeds[LOOP_IO.positionIds] = integerTensor(decoder.positionType, start.positions, [rows.length, steps]);
  if (decoder.tokenTypeName) feeds[LOOP_IO.tokenTypeIds] = integerTensor(decoder.tokenTypeType, prompt.imageTokens, [rows.length, steps]);
  if (context.shouldStop()) throw new GenerationAborted();
  const outputs = await session.run(feeds);
  const tokens = outputs[LOOP_IO.candidateTokens];
  const candidates: StepCandidates = {
    steps: tokens.dims[0],
    perRequest: tokens.dims[2],
    tokens: tokens.data as BigInt64Array,
    beams: outputs[LOOP_IO.candidateBeams].data as BigInt64Array,
    scores: outputs[LOOP_IO.candidateScores].data as Float64Array,
  };
  return beamCount === 1 ? replayGreedy(context, rows, candidates) : replayBeams(context, rows, candidates, beamCount);
}

function replayGreedy(context: GenerationContext, rows: GenerationRow[], candidates: StepCandidates): GeneratedRow[] {
  return rows.map((row, index) => {
    const tokens: number[] = [];
    for (let step = 0; step < candidates.steps; step++) {
      tokens.push(Number(candidates.tokens[(step * rows.length + index) * candidates.perRequest]));
      const reason = finishReasonAfter(tokens, row, context);
      if (reason) return { tokenIds: tokens, text: finalText(tokens, row.stop, context), finishReason: reason };
    }
    throw new Error(`the decode loop stopped after ${candidates.steps} steps, before row ${index} ended`);
  });
}

function replayBeams(context: GenerationContext, rows: GenerationRow[], candidates: StepCandidates, beamCount: number): GeneratedRow[] {
  // The graph ends hypotheses at EOS only; stop strings are cut from the chosen one afterwards.
  const searches = rows.map((row, index) => newSearch({ ...row, stop: [] }, index));
  for (let step = 0; step < candidates.steps; step++) {
    searches.forEach((search, request) => {
      if (search.done) return;
      const ranked: Candidate[] = [];
      for (let index = 0; index < candidates.perRequest; index++) {
        const offset = (step * rows.length + request) * candidates.perRequest + index;
        const beam = Number(candidates.beams[offset]);
        if (beam >= search.beams.length) throw new Error(`the decode loop extended beam ${beam} of request ${request} at step ${step}, which the replay does not have`);
        ranked.push({ beam, token: Number(candidates.tokens[offset]), score: candidates.scores[offset] });
      }
      const next = advance(search, ranked, beamCount, context);
      if (!search.done) search.beams = next;
    });
  }
  return searches.map((search, request) => {
    if (!search.done) throw new Error(`the decode loop stopped after ${candidates.steps} steps, before request ${request}'s beam search finished`);
    const best = bestHypothesis(search);
    const row = rows[request];
    const cut = tokensBeforeStop(best.tokens, row.stop, context);
    return { tokenIds: cut ?? best.tokens, text: finalText(cut ?? best.tokens, row.stop, context), finishReason: cut ? 'stop' : best.reason };
  });
}

/** The shortest prefix whose text contains a stop string, or undefined when none does. */
function tokensBeforeStop(tokens: number[], stops: string[], context: GenerationContext): number[] | undefined {
  if (stops.length === 0 || !containsStopString(context.decode(tokens), stops)) return undefined;
  for (let length = 1; length <= tokens.length; length++) {
    if (containsStopString(context.decode(tokens.slice(0, length)), stops)) return tokens.slice(0, length);
  }
  return undefined;
}
