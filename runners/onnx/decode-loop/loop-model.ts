// Builds the decode-loop model: one ONNX graph that runs the prefill and then the whole generation
// inside an ONNX Loop, so the KV cache stays wherever onnxruntime keeps it (on the GPU with the CUDA
// provider) from the first token to the last. onnxruntime-node hands every output of a run back as a
// host array, so this is the only way a Node process keeps the cache on the device between steps.
//
//   prefill:  decoder(inputs_embeds, attention_mask, position_ids, empty past) → logits, present
//   If num_beams == 1 (greedy):  argmax → Loop { embed_tokens → decoder → argmax } until every row
//     has produced an EOS id or max_new_tokens tokens
//   else (beam search): log-softmax in float64, TopK(2·beams) over beams × vocabulary per request,
//     the first `beams` candidates that are not EOS continue (the cache rows are gathered in that
//     order), and a request is done under Hugging Face's rule (see ../beam-search.ts)
//
// The graph returns, for every step, each request's ranked candidates (token, source beam, float64
// score); greedy search returns its argmax tokens as the single candidate. Stop strings and the
// hypothesis bookkeeping are replayed from these in JavaScript (./graph-search.ts) with the code the
// step loop uses, so both routes pick the same tokens; the graph only has to run long enough.
import onnxProto from 'onnx-proto';
import type { DecoderSignature, ModelSignature } from '../model-signature.js';
import type { FloatType, IntegerType } from '../tensors.js';
import { DataType, GraphOps, NameSource, valueInfo, type GraphProto } from './graph-ops.js';
import { inlineModel, prepareInlinedModel, type InlinedModel } from './inline-model.js';

const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.IModelProto;

/** The decode-loop model's own inputs and outputs. */
export const LOOP_IO = {
  inputsEmbeds: 'inputs_embeds',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  tokenTypeIds: 'token_type_ids',
  /** int64 [B]: the position of each row's first generated token. */
  nextPositions: 'next_position_ids',
  /** int64 [B]: tokens each row may generate (at least 1). */
  maxNewTokens: 'max_new_tokens',
  /** int64 scalar: 1 = greedy search, more = beam search with that many beams. */
  numBeams: 'num_beams',
  /** int64 [E ≥ 1]: EOS ids (a model without one passes -1). */
  eosTokenIds: 'eos_token_ids',
  /** float64 scalar. */
  lengthPenalty: 'length_penalty',
  /** int64 scalar: 0 = false, 1 = true, 2 = "never". */
  earlyStopping: 'early_stopping',
  /** int64 [steps, B, candidates]; candidates = 2·beams (1 for greedy). */
  candidateTokens: 'candidate_tokens',
  /** int64 [steps, B, candidates]: the beam each candidate extends (0 for greedy). */
  candidateBeams: 'candidate_beams',
  /** float64 [steps, B, candidates]: sum of log-probabilities (0 for greedy). */
  candidateScores: 'candidate_scores',
} as const;

/** Scores of beams that are not running: the value Hugging Face gives all but the first beam at the start. */
const DEAD_BEAM_SCORE = -1e9;

export interface LoopModelSources {
  decoder: ModelProto;
  embed: ModelProto;
  decoderFile: string;
  embedFile: string;
}

type LoopSignature = Pick<ModelSignature, 'decoder' | 'embed'>;

export function buildDecodeLoopModel(sources: LoopModelSources, signature: LoopSignature): Uint8Array {
  const { decoder: decoderModel, embed: embedModel } = sources;
  const opset = defaultOpset(decoderModel);
  if (opset < 13) throw new Error(`${sources.decoderFile}: opset ${opset}; the decode loop needs opset 13 or later`);
  const decoder = prepareInlinedModel(decoderModel.graph ?? {}, 'decoder::');
  const embed = prepareInlinedModel(embedModel.graph ?? {}, 'embed_tokens::');
  const builder = new LoopGraphBuilder(new GraphOps(new NameSource('loop::'), opset), signature, decoder.model, embed.model, sources);
  const graph = builder.build();
  graph.initializer = [...decoder.initializers, ...embed.initializers, ...(graph.initializer ?? [])];
  const model: ModelProto = {
    irVersion: decoderModel.irVersion,
    producerName: 'emu-eval decode loop',
    opsetImport: mergeOpsets(decoderModel, embedModel, opset),
    functions: [...(decoderModel.functions ?? []), ...(embedModel.functions ?? [])],
    graph,
  };
  return onnx.ModelProto.encode(model).finish();
}

function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((item) => (item.domain ?? '') === '' || item.domain === 'ai.onnx');
  return Number(entry?.version ?? 0);
}

/** The decoder's ai.onnx opset (its nodes keep their meaning); other domains at the higher version. */
function mergeOpsets(decoder: ModelProto, embed: ModelProto, opset: number): ModelProto['opsetImport'] {
  const versions = new Map<string, number>([['', opset]]);
  for (const entry of [...(decoder.opsetImport ?? []), ...(embed.opsetImport ?? [])]) {
    const domain = entry.domain === 'ai.onnx' ? '' : (entry.domain ?? '');
    if (domain === '') continue;
    versions.set(domain, Math.max(versions.get(domain) ?? 0, Number(entry.version ?? 0)));
  }
  return [...versions].map(([domain, version]) => ({ domain, version }));
}

const FLOAT_CODES: Record<FloatType, number> = { float32: DataType.FLOAT, float16: DataType.FLOAT16 };
const INTEGER_CODES: Record<IntegerType, number> = { int64: DataType.INT64, int32: DataType.INT32 };

interface DecoderCall {
  logits: string;
  presents: string[];
}

/** Values every subgraph reads from the main graph (ONNX outer scope). */
interface Shared {
  maxNew: string;
  eos: string;
  lengthPenalty: string;
  earlyStopping: string;
}

/** The state carried from one step to the next, in Loop order after the tokens. */
interface StepState {
  mask: string;
  positions: string;
  cache: string[];
}

class LoopGraphBuilder {
  private readonly decoder: DecoderSignature;
  private readonly embedSignature: LoopSignature['embed'];

  constructor(
    private readonly ops: GraphOps,
    signature: LoopSignature,
    private readonly decoderModel: InlinedModel,
    private readonly embedModel: InlinedModel,
    private readonly sources: LoopModelSources,
  ) {
    this.decoder = signature.decoder;
    this.embedSignature = signature.embed;
  }

  build(): GraphProto {
    const { ops, decoder } = this;
    const inputs = [
      valueInfo(LOOP_IO.inputsEmbeds, FLOAT_CODES[decoder.embedsType], 3),
      valueInfo(LOOP_IO.attentionMask, INTEGER_CODES[decoder.maskType], 2),
      ...(decoder.positionName ? [valueInfo(LOOP_IO.positionIds, INTEGER_CODES[decoder.positionType], 2)] : []),
      ...(decoder.tokenTypeName ? [valueInfo(LOOP_IO.tokenTypeIds, INTEGER_CODES[decoder.tokenTypeType], 2)] : []),
      valueInfo(LOOP_IO.nextPositions, DataType.INT64, 1),
      valueInfo(LOOP_IO.maxNewTokens, DataType.INT64, 1),
      valueInfo(LOOP_IO.numBeams, DataType.INT64, 0),
      valueInfo(LOOP_IO.eosTokenIds, DataType.INT64, 1),
      valueInfo(LOOP_IO.lengthPenalty, DataType.DOUBLE, 0),
      valueInfo(LOOP_IO.earlyStopping, DataType.INT64, 0),
    ];
    const shared: Shared = { maxNew: LOOP_IO.maxNewTokens, eos: LOOP_IO.eosTokenIds, lengthPenalty: LOOP_IO.lengthPenalty, earlyStopping: LOOP_IO.earlyStopping };

    const rows = ops.dim(LOOP_IO.inputsEmbeds, 0);
    const emptyPast = ops.one('ConstantOfShape', [ops.one('Concat', [rows, ops.int64([decoder.keyValueHeads, 0, decoder.headDim])], { axis: 0 })], {});
    const typedEmptyPast = ops.cast(emptyPast, FLOAT_CODES[decoder.pastType]);
    const prefill = this.callDecoder(ops, 'prefill::', {
      embeds: LOOP_IO.inputsEmbeds,
      mask: LOOP_IO.attentionMask,
      positions: decoder.positionName ? LOOP_IO.positionIds : undefined,
      tokenTypes: decoder.tokenTypeName ? LOOP_IO.tokenTypeIds : undefined,
      past: decoder.layers.flatMap(() => [typedEmptyPast, typedEmptyPast]),
      cached: false,
    });
    const start: StepState = { mask: LOOP_IO.attentionMask, positions: LOOP_IO.nextPositions, cache: prefill.presents };
    const greedy = this.greedyBranch(shared, prefill.logits, start);
    const beam = this.beamBranch(shared, prefill.logits, start);
    const isGreedy = ops.one('Equal', [LOOP_IO.numBeams, ops.int64(1)]);
    const outputNames = [LOOP_IO.candidateTokens, LOOP_IO.candidateBeams, LOOP_IO.candidateScores];
    ops.nodes.push({ opType: 'If', name: 'loop::search', input: [isGreedy], output: outputNames, attribute: [
      { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: greedy },
      { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: beam },
    ] });
    const outputs = [valueInfo(LOOP_IO.candidateTokens, DataType.INT64, 3), valueInfo(LOOP_IO.candidateBeams, DataType.INT64, 3), valueInfo(LOOP_IO.candidateScores, DataType.DOUBLE, 3)];
    return ops.graph('decode_loop', inputs, outputs);
  }

  /** Inlines one decoder call; returns the last position's logits [rows, vocabulary] and the present cache. */
  private callDecoder(ops: GraphOps, prefix: string, feeds: { embeds: string; mask: string; positions?: string; tokenTypes?: string; past: string[]; cached: boolean }): DecoderCall {
    const { decoder } = this;
    const inputs: Record<string, string> = { [decoder.embedsName]: feeds.embeds, [decoder.maskName]: feeds.mask };
    if (decoder.positionName && feeds.positions) inputs[decoder.positionName] = feeds.positions;
    if (decoder.logitsToKeepName) inputs[decoder.logitsToKeepName] = ops.constant(INTEGER_CODES[decoder.logitsToKeepType], [1], []);
    if (decoder.useCacheBranchName) inputs[decoder.useCacheBranchName] = ops.constant(DataType.BOOL, [feeds.cached ? 1 : 0], [1]);
    if (decoder.tokenTypeName && feeds.tokenTypes) inputs[decoder.tokenTypeName] = feeds.tokenTypes;
    decoder.layers.forEach((layer, index) => {
      inputs[layer.pastKey] = feeds.past[2 * index];
      inputs[layer.pastValue] = feeds.past[2 * index + 1];
    });
    const outputs = inlineModel(ops, this.decoderModel, prefix, inputs, this.sources.decoderFile);
    const last = ops.one('Gather', [outputs[decoder.logitsName], ops.int64(-1)], { axis: 1 });
    return { logits: ops.cast(last, DataType.FLOAT), presents: decoder.layers.flatMap((layer) => [outputs[layer.presentKey], outputs[layer.presentValue]]) };
  }

  /** One decode step inside a Loop body: embeds `tokens` [rows] and runs the decoder on top of `state`. */
  private decodeStep(body: GraphOps, prefix: string, tokens: string, state: StepState): { call: DecoderCall; next: StepState } {
    const { decoder } = this;
    const rows = body.dim(tokens, 0);
    const columnShape = body.one('Concat', [rows, body.int64([1])], { axis: 0 });
    const ids = body.cast(body.unsqueeze(tokens, [1]), INTEGER_CODES[this.embedSignature.inputType]);
    const embedded = inlineModel(body, this.embedModel, `${prefix}embed::`, { [this.embedSignature.input]: ids }, this.sources.embedFile)[this.embedSignature.output];
    const embeds = this.embedSignature.outputType === decoder.embedsType ? embedded : body.cast(embedded, FLOAT_CODES[decoder.embedsType]);
    const ones = body.one('Expand', [body.constant(INTEGER_CODES[decoder.maskType], [1], [1, 1]), columnShape]);
    const mask = body.one('Concat', [state.mask, ones], { axis: 1 });
    const positions = decoder.positionName ? body.cast(body.unsqueeze(state.positions, [1]), INTEGER_CODES[decoder.positionType]) : undefined;
    const tokenTypes = decoder.tokenTypeName ? body.one('Expand', [body.constant(INTEGER_CODES[decoder.tokenTypeType], [0], [1, 1]), columnShape]) : undefined;
    const call = this.callDecoder(body, `${prefix}decoder::`, { embeds, mask, positions, tokenTypes, past: state.cache, cached: true });
    const nextPositions = body.one('Add', [state.positions, body.int64(1)]);
    return { call, next: { mask, positions: nextPositions, cache: call.presents } };
  }

  /** Greedy search: argmax each step; a row is done at an EOS id or at its max_new_tokens. */
  private greedyBranch(shared: Shared, logits: string, start: StepState): GraphProto {
    const branch = this.ops.subgraph();
    const first = branch.one('ArgMax', [logits], { axis: 1, keepdims: 0 });
    const firstDone = this.greedyDone(branch, shared, first, branch.int64(1), undefined);
    const trips = branch.one('Sub', [branch.reduce('ReduceMax', shared.maxNew, [0], false), branch.int64(1)]);
    const keepGoing = branch.one('Not', [branch.all(firstDone)]);

    const body = branch.subgraph();
    const iteration = body.names.next('iteration');
    const conditionIn = body.names.next('condition_in');
    const tokensIn = body.names.next('tokens_in');
    const doneIn = body.names.next('done_in');
    const stateIn = this.stateInputs(body);
    const step = this.decodeStep(body, body.names.next('greedy_step').concat('::'), tokensIn, stateIn.state);
    const tokens = body.one('ArgMax', [step.call.logits], { axis: 1, keepdims: 0 });
    const generated = body.one('Add', [iteration, body.int64(2)]);
    const done = this.greedyDone(body, shared, tokens, generated, doneIn);
    const conditionOut = body.one('Not', [body.all(done)]);
    const scanTokens = body.one('Identity', [tokens]);
    const bodyGraph = body.graph(
      'greedy_step',
      [valueInfo(iteration, DataType.INT64, 0), valueInfo(conditionIn, DataType.BOOL, 0), valueInfo(tokensIn, DataType.INT64, 1), valueInfo(doneIn, DataType.BOOL, 1), ...stateIn.infos],
      [valueInfo(conditionOut, DataType.BOOL, 0), valueInfo(tokens, DataType.INT64, 1), valueInfo(done, DataType.BOOL, 1), ...this.stateOutputs(step.next), valueInfo(scanTokens, DataType.INT64, 1)],
    );
    const loopOutputs = branch.op('Loop', [trips, keepGoing, first, firstDone, start.mask, start.positions, ...start.cache], { body: bodyGraph }, 5 + start.cache.length);
    const later = loopOutputs[loopOutputs.length - 1];
    const all = branch.one('Concat', [branch.unsqueeze(first, [0]), later], { axis: 0 });
    const candidates = branch.unsqueeze(all, [2]);
    const zeros = branch.one('Sub', [candidates, candidates]);
    const beams = branch.one('Identity', [zeros]);
    const scores = branch.cast(zeros, DataType.DOUBLE);
    return branch.graph('greedy_search', [], [valueInfo(candidates, DataType.INT64, 3), valueInfo(beams, DataType.INT64, 3), valueInfo(scores, DataType.DOUBLE, 3)]);
  }

  private greedyDone(ops: GraphOps, shared: Shared, tokens: string, generated: string, doneBefore: string | undefined): string {
    const ended = ops.one('Or', [ops.isAnyOf(tokens, shared.eos), ops.one('GreaterOrEqual', [generated, shared.maxNew])]);
    return doneBefore ? ops.one('Or', [doneBefore, ended]) : ended;
  }

  /** Beam search with `num_beams` beams per request, rows ordered request-major (row = request·beams + beam). */
  private beamBranch(shared: Shared, logits: string, start: StepState): GraphProto {
    const branch = this.ops.subgraph();
    const beams = branch.unsqueeze(LOOP_IO.numBeams, [0]);
    const requests = branch.dim(logits, 0);
    const requestBeams = branch.one('Concat', [requests, beams], { axis: 0 });
    // Every request's prompt row repeated `beams` times.
    const requestIndex = branch.one('Range', [branch.int64(0), branch.squeeze(requests, [0]), branch.int64(1)]);
    const repeat = branch.one('Reshape', [branch.one('Expand', [branch.unsqueeze(requestIndex, [1]), requestBeams]), branch.int64([-1])]);
    const expand = (value: string) => branch.one('Gather', [value, repeat], { axis: 0 });
    const expanded: StepState = { mask: expand(start.mask), positions: expand(start.positions), cache: start.cache.map(expand) };
    const beamIndex = branch.one('Range', [branch.int64(0), LOOP_IO.numBeams, branch.int64(1)]);
    const initialScores = branch.one('Expand', [branch.one('Where', [branch.one('Equal', [beamIndex, branch.int64(0)]), branch.double(0), branch.double(DEAD_BEAM_SCORE)]), requestBeams]);
    const noHypotheses = branch.one('Expand', [branch.double(-Infinity), requestBeams]);
    const notDone = branch.cast(branch.one('Expand', [branch.int64(0), requests]), DataType.BOOL);
    const first = this.beamSelect(branch, shared, expand(logits), initialScores, noHypotheses, notDone, branch.int64(1));
    const trips = branch.one('Sub', [branch.reduce('ReduceMax', shared.maxNew, [0], false), branch.int64(1)]);
    const keepGoing = branch.one('Not', [branch.all(first.done)]);

    const body = branch.subgraph();
    const iteration = body.names.next('iteration');
    const conditionIn = body.names.next('condition_in');
    const tokensIn = body.names.next('tokens_in');
    const sourcesIn = body.names.next('sources_in');
    const scoresIn = body.names.next('scores_in');
    const hypothesesIn = body.names.next('hypotheses_in');
    const doneIn = body.names.next('done_in');
    const stateIn = this.stateInputs(body);
    const gather = (value: string) => body.one('Gather', [value, sourcesIn], { axis: 0 });
    const reordered: StepState = { mask: gather(stateIn.state.mask), positions: gather(stateIn.state.positions), cache: stateIn.state.cache.map(gather) };
    const step = this.decodeStep(body, body.names.next('beam_step').concat('::'), tokensIn, reordered);
    const generated = body.one('Add', [iteration, body.int64(2)]);
    const selected = this.beamSelect(body, shared, step.call.logits, scoresIn, hypothesesIn, doneIn, generated);
    const conditionOut = body.one('Not', [body.all(selected.done)]);
    const scans = [selected.candidateTokens, selected.candidateBeams, selected.candidateScores].map((value) => body.one('Identity', [value]));
    const bodyGraph = body.graph(
      'beam_step',
      [
        valueInfo(iteration, DataType.INT64, 0),
        valueInfo(conditionIn, DataType.BOOL, 0),
        valueInfo(tokensIn, DataType.INT64, 1),
        valueInfo(sourcesIn, DataType.INT64, 1),
        valueInfo(scoresIn, DataType.DOUBLE, 2),
        valueInfo(hypothesesIn, DataType.DOUBLE, 2),
        valueInfo(doneIn, DataType.BOOL, 1),
        ...stateIn.infos,
      ],
      [
        valueInfo(conditionOut, DataType.BOOL, 0),
        valueInfo(selected.nextTokens, DataType.INT64, 1),
        valueInfo(selected.sources, DataType.INT64, 1),
        valueInfo(selected.nextScores, DataType.DOUBLE, 2),
        valueInfo(selected.hypotheses, DataType.DOUBLE, 2),
        valueInfo(selected.done, DataType.BOOL, 1),
        ...this.stateOutputs(step.next),
        valueInfo(scans[0], DataType.INT64, 2),
        valueInfo(scans[1], DataType.INT64, 2),
        valueInfo(scans[2], DataType.DOUBLE, 2),
      ],
    );
    const carried = [first.nextTokens, first.sources, first.nextScores, first.hypotheses, first.done, expanded.mask, expanded.positions, ...expanded.cache];
    const loopOutputs = branch.op('Loop', [trips, keepGoing, ...carried], { body: bodyGraph }, carried.length + 3);
    const [laterTokens, laterBeams, laterScores] = loopOutputs.slice(carried.length);
    const join = (firstStep: string, later: string) => branch.one('Concat', [branch.unsqueeze(firstStep, [0]), later], { axis: 0 });
    const outputs = [join(first.candidateTokens, laterTokens), join(first.candidateBeams, laterBeams), join(first.candidateScores, laterScores)];
    return branch.graph('beam_search', [], [valueInfo(outputs[0], DataType.INT64, 3), valueInfo(outputs[1], DataType.INT64, 3), valueInfo(outputs[2], DataType.DOUBLE, 3)]);
  }

  /**
   * One beam-search step from `logits` [requests·beams, vocabulary]: ranks candidates as ../beam-search.ts
   * does (ties to the lower beam, then the lower token — TopK's lower-index rule over beam·V + token),
   * picks the next beams, and tracks the best `beams` finished scores to know when a request is done.
   */
  private beamSelect(ops: GraphOps, shared: Shared, logits: string, scores: string, hypotheses: string, doneBefore: string, generated: string) {
    const beams = ops.unsqueeze(LOOP_IO.numBeams, [0]);
    const candidateCount = ops.one('Mul', [beams, ops.int64(2)]);
    const values = ops.cast(logits, DataType.DOUBLE);
    const maximum = ops.reduce('ReduceMax', values, [1], true);
    const sum = ops.reduce('ReduceSum', ops.one('Exp', [ops.one('Sub', [values, maximum])]), [1], true);
    const logProbabilities = ops.one('Sub', [values, ops.one('Add', [maximum, ops.one('Log', [sum])])]);
    const totals = ops.one('Add', [logProbabilities, ops.unsqueeze(ops.one('Reshape', [scores, ops.int64([-1])]), [1])]);
    const requests = ops.dim(scores, 0);
    const vocabulary = ops.dim(logits, 1);
    const perRequest = ops.one('Reshape', [totals, ops.one('Concat', [requests, ops.int64([-1])], { axis: 0 })]);
    const [candidateScores, flatIndex] = ops.op('TopK', [perRequest, candidateCount], { axis: 1, largest: 1, sorted: 1 }, 2);
    const candidateBeams = ops.one('Div', [flatIndex, vocabulary]);
    const candidateTokens = ops.one('Mod', [flatIndex, vocabulary]);
    const isEos = ops.isAnyOf(candidateTokens, shared.eos);

    // The first `beams` candidates in rank order that are not EOS continue; EOS ones fill in only when
    // fewer remain, as dead beams.
    const rank = ops.one('Range', [ops.int64(0), ops.squeeze(candidateCount, [0]), ops.int64(1)]);
    const key = ops.one('Add', [rank, ops.one('Mul', [ops.cast(isEos, DataType.INT64), candidateCount])]);
    const picked = ops.op('TopK', [key, beams], { axis: 1, largest: 0, sorted: 1 }, 2)[1];
    const pick = (value: string) => ops.one('GatherElements', [value, picked], { axis: 1 });
    const pickedEos = pick(isEos);
    const nextScores = ops.one('Where', [pickedEos, ops.double(DEAD_BEAM_SCORE), pick(candidateScores)]);
    const nextTokens = ops.one('Reshape', [pick(candidateTokens), ops.int64([-1])]);
    const requestIndex = ops.one('Range', [ops.int64(0), ops.squeeze(requests, [0]), ops.int64(1)]);
    const sources = ops.one('Reshape', [ops.one('Add', [ops.one('Mul', [ops.unsqueeze(requestIndex, [1]), beams]), pick(candidateBeams)]), ops.int64([-1])]);

    // Finished hypotheses: EOS among the top `beams` ranks, scored sum / length^length_penalty.
    const length = ops.cast(generated, DataType.DOUBLE);
    const closes = ops.one('And', [isEos, ops.one('Less', [rank, beams])]);
    const normalized = ops.one('Div', [candidateScores, ops.one('Pow', [length, shared.lengthPenalty])]);
    const added = ops.one('Where', [closes, normalized, ops.double(-Infinity)]);
    const kept = ops.op('TopK', [ops.one('Concat', [hypotheses, added], { axis: 1 }), beams], { axis: 1, largest: 1, sorted: 1 }, 2)[0];
    const count = ops.reduce('ReduceSum', ops.cast(ops.one('Greater', [kept, ops.double(-Infinity)]), DataType.INT64), [1], false);
    const full = ops.one('GreaterOrEqual', [count, beams]);
    const worst = ops.reduce('ReduceMin', kept, [1], false);
    const best = ops.one('Gather', [nextScores, ops.int64(0)], { axis: 1 });
    const never = ops.one('And', [ops.one('Equal', [shared.earlyStopping, ops.int64(2)]), ops.one('Greater', [shared.lengthPenalty, ops.double(0)])]);
    const boundLength = ops.one('Where', [never, ops.cast(shared.maxNew, DataType.DOUBLE), length]);
    const cannotImprove = ops.one('GreaterOrEqual', [worst, ops.one('Div', [best, ops.one('Pow', [boundLength, shared.lengthPenalty])])]);
    const scoreDone = ops.one('And', [full, ops.one('Or', [ops.one('Equal', [shared.earlyStopping, ops.int64(1)]), cannotImprove])]);
    const deadRows = ops.cast(ops.reduce('ReduceMin', ops.cast(pickedEos, DataType.INT32), [1], false), DataType.BOOL);
    const lengthDone = ops.one('GreaterOrEqual', [generated, shared.maxNew]);
    const done = ops.one('Or', [doneBefore, ops.one('Or', [scoreDone, ops.one('Or', [deadRows, lengthDone])])]);
    return { candidateTokens, candidateBeams, candidateScores, nextTokens, sources, nextScores, hypotheses: kept, done };
  }

  /** Loop-body inputs for the carried mask, positions and cache. */
  private stateInputs(body: GraphOps): { state: StepState; infos: ReturnType<typeof valueInfo>[] } {
    const { decoder } = this;
    const mask = body.names.next('mask_in');
    const positions = body.names.next('positions_in');
    const cache = decoder.layers.flatMap((_, index) => [body.names.next(`past_key_${index}`), body.names.next(`past_value_${index}`)]);
    const infos = [valueInfo(mask, INTEGER_CODES[decoder.maskType], 2), valueInfo(positions, DataType.INT64, 1), ...cache.map((name) => valueInfo(name, FLOAT_CODES[decoder.pastType], 4))];
    return { state: { mask, positions, cache }, infos };
  }

  private stateOutputs(state: StepState): ReturnType<typeof valueInfo>[] {
    const { decoder } = this;
    return [valueInfo(state.mask, INTEGER_CODES[decoder.maskType], 2), valueInfo(state.positions, DataType.INT64, 1), ...state.cache.map((name) => valueInfo(name, FLOAT_CODES[decoder.pastType], 4))];
  }
}
