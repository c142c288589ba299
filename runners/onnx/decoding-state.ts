// The decoder's state between steps for a batch of rows: the KV cache (the present.* outputs of the
// last step, fed back as past_key_values.*), the attention mask over everything cached, and each row's
// next position. `selectRows` serves three purposes with one copy: dropping finished rows, expanding a
// prompt into beams, and reordering beams after each beam-search step.
import { Tensor } from 'onnxruntime-node';
import type { DecoderSignature, ModelSessions } from './sessions.js';
import { emptyFloatData, floatTensor, integerTensor, readFloat32, type FloatData } from './tensors.js';

export interface StepLogits {
  /** float32 logits, [rows, positions, vocabulary]. */
  values: Float32Array;
  positions: number;
  vocabularySize: number;
}

export class DecodingState {
  private past: Tensor[];
  /** 1 = real token, 0 = left padding; rows × cachedLength, already in the decoder's integer type. */
  private mask: BigInt64Array | Int32Array;
  private cachedLength = 0;
  private nextPositions: number[];

  constructor(
    private readonly model: ModelSessions,
    public rows: number,
  ) {
    const { decoder } = model.signature;
    const emptyPast = floatTensor(decoder.pastType, emptyFloatData(decoder.pastType, 0), [rows, decoder.keyValueHeads, 0, decoder.headDim]);
    this.past = decoder.layers.flatMap(() => [emptyPast, emptyPast]);
    const empty = emptyCache(decoder, rows);
    this.mask = empty.mask;
    this.nextPositions = empty.nextPositions;
  }

  get length(): number {
    return this.cachedLength;
  }

  /**
   * Runs the decoder on `embeds` [rows, steps, hidden] whose padding is given by `currentMask`
   * (rows × steps, 1 = real). `logitsToKeep` is how many trailing positions need logits (0 = all).
   * `imageTokens` (rows × steps, 1 = an image feature row) marks the prompt's image tokens; steps
   * without it are all text.
   */
  async step(embeds: Tensor, currentMask: Uint8Array, logitsToKeep: number, imageTokens?: Uint8Array): Promise<StepLogits> {
    const { decoder } = this.model.signature;
    const steps = embeds.dims[1];
    const total = this.cachedLength + steps;
    const { mask, positions, nextPositions } = stepInputs(decoder, { mask: this.mask, cachedLength: this.cachedLength, nextPositions: this.nextPositions }, currentMask, steps, imageTokens);
    this.nextPositions = nextPositions;

    const feeds: Record<string, Tensor> = {
      [decoder.embedsName]: embeds,
      [decoder.maskName]: new Tensor(decoder.maskType, mask, [this.rows, total]),
    };
    if (decoder.positionName) feeds[decoder.positionName] = integerTensor(decoder.positionType, positions, [this.rows, steps]);
    if (decoder.logitsToKeepName) feeds[decoder.logitsToKeepName] = integerTensor(decoder.logitsToKeepType, [logitsToKeep], []);
    if (decoder.useCacheBranchName) feeds[decoder.useCacheBranchName] = new Tensor('bool', [this.cachedLength > 0], [1]);
    if (decoder.tokenTypeName) feeds[decoder.tokenTypeName] = integerTensor(decoder.tokenTypeType, imageTokens ?? new Uint8Array(this.rows * steps), [this.rows, steps]);
    decoder.layers.forEach((layer, index) => {
      feeds[layer.pastKey] = this.past[2 * index];
      feeds[layer.pastValue] = this.past[2 * index + 1];
    });

    const session = this.model.decoder ?? (await this.model.stepDecoder());
    const outputs = await session.run(feeds);
    this.past = decoder.layers.flatMap((layer) => [outputs[layer.presentKey], outputs[layer.presentValue]]);
    this.mask = mask;
    this.cachedLength = total;

    const logits = outputs[decoder.logitsName];
    const [, positionsReturned, vocabularySize] = logits.dims;
    let values = readFloat32(logits);
    // A decoder without num_logits_to_keep returns every position; keep only what was asked for.
    const wanted = logitsToKeep === 0 ? positionsReturned : Math.min(logitsToKeep, positionsReturned);
    if (wanted !== positionsReturned) values = trailingPositions(values, this.rows, positionsReturned, wanted, vocabularySize);
    return { values, positions: wanted, vocabularySize };
  }

  /** Keeps (and repeats, or reorders) rows: row i of the new state is row `sources[i]` of this one. */
  selectRows(sources: number[]): void {
    this.past = this.past.map((tensor) => selectTensorRows(tensor, sources));
    const mask = this.mask instanceof BigInt64Array ? new BigInt64Array(sources.length * this.cachedLength) : new Int32Array(sources.length * this.cachedLength);
    sources.forEach((source, row) => copyRow(this.mask, source * this.cachedLength, this.cachedLength, mask, row * this.cachedLength));
    this.mask = mask;
    this.nextPositions = sources.map((source) => this.nextPositions[source]);
    this.rows = sources.length;
  }
}

export interface CachedMask {
  /** rows × cachedLength, 1 = real token, in the decoder's integer type. */
  mask: BigInt64Array | Int32Array;
  cachedLength: number;
  nextPositions: number[];
}

/**
 * The attention mask over cache + `steps` new positions and the new positions' position_ids:
 * position_ids = cumsum(mask) - 1 with padding clamped to 0 (its attention is masked anyway), and
 * CogVLM's shared positions for image tokens when the decoder asks for them. Rows = nextPositions.length.
 */
export function stepInputs(
  decoder: Pick<DecoderSignature, 'imagePositions' | 'maskType'>,
  cached: CachedMask,
  currentMask: Uint8Array,
  steps: number,
  imageTokens?: Uint8Array,
): { mask: BigInt64Array | Int32Array; positions: number[]; nextPositions: number[] } {
  const rows = cached.nextPositions.length;
  const total = cached.cachedLength + steps;
  const mask = decoder.maskType === 'int64' ? new BigInt64Array(rows * total) : new Int32Array(rows * total);
  const positions = new Array<number>(rows * steps);
  const nextPositions = [...cached.nextPositions];
  for (let row = 0; row < rows; row++) {
    copyRow(cached.mask, row * cached.cachedLength, cached.cachedLength, mask, row * total);
    for (let index = 0; index < steps; index++) {
      const value = currentMask[row * steps + index];
      if (mask instanceof BigInt64Array) mask[row * total + cached.cachedLength + index] = BigInt(value);
      else mask[row * total + cached.cachedLength + index] = value;
    }
    let position = nextPositions[row];
    const shares = decoder.imagePositions === 'shared' && imageTokens ? sharedImagePositions(imageTokens.subarray(row * steps, (row + 1) * steps)) : undefined;
    for (let index = 0; index < steps; index++) {
      const real = currentMask[row * steps + index] === 1;
      if (real && shares?.[index] === 1) {
        positions[row * steps + index] = position - 1;
        continue;
      }
      positions[row * steps + index] = real ? position : Math.max(position - 1, 0);
      if (real) position++;
    }
    nextPositions[row] = position;
  }
  return { mask, positions, nextPositions };
}

/** The empty cache a batch of `rows` starts from. */
export function emptyCache(decoder: Pick<DecoderSignature, 'maskType'>, rows: number): CachedMask {
  return { mask: decoder.maskType === 'int64' ? new BigInt64Array(0) : new Int32Array(0), cachedLength: 0, nextPositions: new Array<number>(rows).fill(0) };
}

/**
 * 1 where an image token takes the previous token's position instead of the next one: within each run of
 * image tokens, all but the first two and the last. This is modeling_cogvlm.py's build_position_ids, which
 * counts boi and eoi as text and lets only the first patch after boi advance, so a 490 px image
 * (boi, 1225 patches, eoi) occupies positions p, p+1 (all patches), p+2.
 */
export function sharedImagePositions(imageTokens: ArrayLike<number>): Uint8Array {
  const shares = new Uint8Array(imageTokens.length);
  let runStart = -1;
  for (let index = 0; index <= imageTokens.length; index++) {
    const image = index < imageTokens.length && imageTokens[index] === 1;
    if (image && runStart < 0) runStart = index;
    if (!image && runStart >= 0) {
      for (let inside = runStart + 2; inside < index - 1; inside++) shares[inside] = 1;
      runStart = -1;
    }
  }
  return shares;
}

function copyRow(from: BigInt64Array | Int32Array, start: number, length: number, to: BigInt64Array | Int32Array, offset: number): void {
  if (from instanceof BigInt64Array && to instanceof BigInt64Array) to.set(from.subarray(start, start + length), offset);
  else if (from instanceof Int32Array && to instanceof Int32Array) to.set(from.subarray(start, start + length), offset);
}

function selectTensorRows(tensor: Tensor, sources: number[]): Tensor {
  const data = tensor.data as FloatData;
  const rowSize = tensor.dims.slice(1).reduce((product, dim) => product * dim, 1);
  const selected = data instanceof Float32Array ? new Float32Array(sources.length * rowSize) : new Uint16Array(sources.length * rowSize);
  sources.forEach((source, row) => selected.set(data.subarray(source * rowSize, (source + 1) * rowSize), row * rowSize));
  return new Tensor(tensor.type, selected, [sources.length, ...tensor.dims.slice(1)]);
}

function trailingPositions(values: Float32Array, rows: number, positions: number, keep: number, vocabularySize: number): Float32Array {
  const kept = new Float32Array(rows * keep * vocabularySize);
  for (let row = 0; row < rows; row++) {
    const start = (row * positions + positions - keep) * vocabularySize;
    kept.set(values.subarray(start, start + keep * vocabularySize), row * keep * vocabularySize);
  }
  return kept;
}
