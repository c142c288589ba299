// The shapes of the two generated models. Both are Emu2-shaped (patch-conv vision encoder pooled to an
// 8×8 grid of 64 visual tokens, a projection, a LLaMA-style decoder with grouped KV heads and rotary
// positions) and far smaller: `tiny` runs the test suite in seconds, `large` makes a decoder step cost
// milliseconds so benchmarks measure the runner against real work.

export type TinyEmuVariant = 'tiny' | 'large';

export interface TinyEmuDimensions {
  variant: TinyEmuVariant;
  seed: number;
  imageSize: number;
  patchSize: number;
  /** Side of the pooled grid; its square is the number of visual tokens per image. */
  imageGrid: number;
  visionHidden: number;
  hidden: number;
  heads: number;
  keyValueHeads: number;
  layers: number;
  intermediate: number;
  maxPositions: number;
  ropeTheta: number;
  rmsNormEpsilon: number;
  /** Upper bound on learned merges; training stops earlier when no pair repeats. */
  tokenizerMerges: number;
}

export const TINY_EMU_DIMENSIONS: Record<TinyEmuVariant, TinyEmuDimensions> = {
  tiny: {
    variant: 'tiny',
    seed: 20231222,
    imageSize: 128,
    patchSize: 8,
    imageGrid: 8,
    visionHidden: 48,
    hidden: 64,
    heads: 4,
    keyValueHeads: 2,
    layers: 2,
    intermediate: 176,
    maxPositions: 2048,
    ropeTheta: 10000,
    rmsNormEpsilon: 1e-6,
    tokenizerMerges: 1000,
  },
  large: {
    variant: 'large',
    seed: 20231223,
    imageSize: 128,
    patchSize: 8,
    imageGrid: 8,
    visionHidden: 256,
    hidden: 512,
    heads: 8,
    keyValueHeads: 4,
    layers: 4,
    intermediate: 1408,
    maxPositions: 1024,
    ropeTheta: 10000,
    rmsNormEpsilon: 1e-6,
    tokenizerMerges: 1000,
  },
};

export function headDimension(dimensions: TinyEmuDimensions): number {
  return dimensions.hidden / dimensions.heads;
}

/** Graph options of every tiny-emu graph: the producer name its files have always carried. */
export const TINY_EMU_GRAPH = { producerName: 'emu-eval tiny-emu' } as const;
