// The one seeded random generator. Everything that must come out the same on every run and machine draws
// from it: bootstrap intervals in metrics.json, permutation tests, few-shot demonstrations, tiny-emu's
// weights and the committed bundled samples. Changing a single operation here changes all of those.

/** mulberry32: a 32-bit generator whose output is identical on every JavaScript engine. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills `values` with seededRandom(seed)'s first values.length draws mapped to [low, high): the same
 * numbers as calling the generator in a loop, with the generator's steps inlined for the exporter's
 * billions of random weights.
 */
export function fillSeededUniform(values: Float32Array, seed: number, low: number, high: number): void {
  const width = high - low;
  let state = seed >>> 0;
  for (let index = 0; index < values.length; index++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    values[index] = low + (((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296) * width;
  }
}

/** A seed from a name (FNV-1a over the UTF-16 code units), so each named stream is independent of the others. */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
