// What the export tests compare graphs with: the largest element-wise difference, and deterministic test
// images (normalized-range values, not a constant, so every pixel weight matters).
import assert from 'node:assert/strict';

export function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let largest = 0;
  for (let index = 0; index < expected.length; index++) largest = Math.max(largest, Math.abs(actual[index] - expected[index]));
  return largest;
}

/** A [3, size, size] image of normalized pixel values, the same for the same seed. */
export function testPixels(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: 3 * size * size }, (_, index) => Math.sin(index * 12.9898 + seed * 78.233) * 1.8);
}
