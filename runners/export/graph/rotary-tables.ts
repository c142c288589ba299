// Rotary cos/sin tables computed as Hugging Face's LlamaRotaryEmbedding does in float32 (default rope,
// no scaling): inv_freq = 1 / θ^(2i/d), angle = position · inv_freq, both rounded to float32 at each step
// like torch, so exported logits match PyTorch's at long positions too, not only at short ones.

/** Rotary cos/sin per position, [maxPositions, headDim] each, in Hugging Face's half-split layout. */
export interface RotaryTables {
  maxPositions: number;
  cos: Float32Array;
  sin: Float32Array;
}

export function llamaRotaryTables(maxPositions: number, headDim: number, theta: number): RotaryTables {
  const half = headDim / 2;
  const inverseFrequencies = Float32Array.from({ length: half }, (_, index) => Math.fround(1 / Math.fround(Math.pow(theta, Math.fround((2 * index) / headDim)))));
  const cos = new Float32Array(maxPositions * headDim);
  const sin = new Float32Array(maxPositions * headDim);
  for (let position = 0; position < maxPositions; position++) {
    for (let index = 0; index < half; index++) {
      const angle = Math.fround(position * inverseFrequencies[index]);
      // emb = cat(freqs, freqs): the second half of each head repeats the first half's frequencies.
      for (const offset of [index, index + half]) {
        cos[position * headDim + offset] = Math.cos(angle);
        sin[position * headDim + offset] = Math.sin(angle);
      }
    }
  }
  return { maxPositions, cos, sin };
}
