// Which frames of a video a model sees (docs/protocols.md#video-frame-samplers). Pure index rules, one per published
// evaluator, reproduced down to their floating-point order of operations: a harness that claims to
// follow lmms-eval, VLMEvalKit or Video-ChatGPT must pick the same frames they do.

export const FRAME_SAMPLERS = ['uniform', 'interior', 'midpoint'] as const;
export type FrameSampler = (typeof FRAME_SAMPLERS)[number];

/**
 * Indices (0-based, presentation order) of `wanted` frames out of `frameCount`. Indices may repeat
 * when a video has fewer frames than asked for: the model still gets `wanted` images, as in the
 * reference implementations, and the decoder extracts each distinct index once.
 */
export function sampleFrameIndices(sampler: FrameSampler, frameCount: number, wanted: number): number[] {
  if (!Number.isSafeInteger(frameCount) || frameCount < 1) throw new RangeError(`a video needs at least one frame to sample from, got ${frameCount}`);
  if (!Number.isSafeInteger(wanted) || wanted < 1) throw new RangeError(`the number of frames to sample must be a positive integer, got ${wanted}`);
  switch (sampler) {
    case 'uniform':
      return uniformIndices(frameCount, wanted);
    case 'interior':
      return interiorIndices(frameCount, wanted);
    case 'midpoint':
      return midpointIndices(frameCount, wanted);
  }
}

/** lmms-eval: round(linspace(0, N − 1, n)), both ends included. */
function uniformIndices(frameCount: number, wanted: number): number[] {
  return linspace(0, frameCount - 1, wanted).map(roundHalfToEven);
}

/**
 * VLMEvalKit: `step = N / (n + 1); [int(i * step) for i in 1..n]`, both ends excluded. The step is
 * divided out first, in floating point, exactly as VLMEvalKit does; computing i·N/(n + 1) exactly
 * would pick a different frame now and then (N = 30, n = 21, i = 11 gives 14 there, not 15).
 */
function interiorIndices(frameCount: number, wanted: number): number[] {
  const step = frameCount / (wanted + 1);
  return Array.from({ length: wanted }, (_, position) => Math.trunc((position + 1) * step));
}

/**
 * Video-ChatGPT's `get_seq_frames`: n segments of (N − 1) / n frames, each represented by the
 * middle of its rounded ends: (round(s·i) + round(s·(i + 1))) // 2.
 */
function midpointIndices(frameCount: number, wanted: number): number[] {
  const segment = (frameCount - 1) / wanted;
  return Array.from({ length: wanted }, (_, position) => {
    const start = roundHalfToEven(segment * position);
    const end = roundHalfToEven(segment * (position + 1));
    return Math.floor((start + end) / 2);
  });
}

/** numpy.linspace(start, stop, count): `arange(count) * step + start`, the last value set to `stop` exactly. */
function linspace(start: number, stop: number, count: number): number[] {
  if (count === 1) return [start];
  const step = (stop - start) / (count - 1);
  const values = Array.from({ length: count }, (_, position) => (step === 0 ? 0 : position * step) + start);
  values[count - 1] = stop;
  return values;
}

/** numpy.round / Python round for floats: ties go to the even neighbour (2.5 → 2, 3.5 → 4). */
export function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
