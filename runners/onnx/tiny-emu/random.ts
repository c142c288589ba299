import { seededRandom, seedFromText } from '../../../core/random.js';

// Deterministic weights: every tensor draws from its own stream seeded by (model seed, tensor name), so
// adding, removing or reordering tensors never changes the values of the others.

/** Normally distributed values with the given standard deviation (Box–Muller). */
export function normalTensor(seed: number, name: string, count: number, standardDeviation: number): Float32Array {
  const random = seededRandom(seed ^ seedFromText(name));
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
