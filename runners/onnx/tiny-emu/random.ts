// Deterministic weights: every tensor draws from its own stream seeded by (model seed, tensor name), so
// adding, removing or reordering tensors never changes the values of the others.

/** FNV-1a over the UTF-16 code units: small, stable across platforms, good enough to spread seeds. */
function hashName(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a 32-bit generator whose output is identical on every JavaScript engine. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normally distributed values with the given standard deviation (Box–Muller). */
export function normalTensor(seed: number, name: string, count: number, standardDeviation: number): Float32Array {
  const random = createRandom(seed ^ hashName(name));
  const values = new Float32Array(count);
  for (let index = 0; index < count; index += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random())) * standardDeviation;
    const angle = 2 * Math.PI * random();
    values[index] = radius * Math.cos(angle);
    if (index + 1 < count) values[index + 1] = radius * Math.sin(angle);
  }
  return values;
}

/** Values near `center`, for norm scales (exactly 1.0 everywhere would hide a missing scale multiply). */
export function jitteredTensor(seed: number, name: string, count: number, center: number, spread: number): Float32Array {
  const noise = normalTensor(seed, name, count, spread);
  for (let index = 0; index < count; index++) noise[index] += center;
  return noise;
}
