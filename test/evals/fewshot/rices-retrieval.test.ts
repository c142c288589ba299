import assert from 'node:assert/strict';
import { test } from 'node:test';
import { l2Normalize, retrieveNeighbours } from '../../../evals/fewshot/rices-retrieval.js';

// Hand-made 2-D embeddings: angles make the cosine order obvious.
const degrees = (angle: number) => [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)];
const support = [0, 10, 45, 90, 180, 30, 5].map(degrees).flat();

test('RICES returns the nearest support rows by cosine, most similar first, across blocks', async () => {
  const queries = Float32Array.from([...degrees(8), ...degrees(80), ...degrees(170)]);
  const blocks = [
    { data: Float32Array.from(support.slice(0, 6)), rows: 3 },
    { data: Float32Array.from(support.slice(6)), rows: 4 },
  ];
  const result = await retrieveNeighbours(queries, 2, blocks, { k: 3, queryChunk: 2 });
  assert.equal(result.k, 3);
  // 8°: nearest 10° (#1), 5° (#6), 0° (#0); 80°: 90° (#3), 45° (#2), 30° (#5); 170°: 180° (#4), 90° (#3), 45° (#2)
  assert.deepEqual([...result.indices], [1, 6, 0, 3, 2, 5, 4, 3, 2]);
  assert.ok(result.scores[0]! > result.scores[1]! && result.scores[1]! > result.scores[2]!);
  assert.ok(Math.abs(result.scores[0]! - Math.cos((2 * Math.PI) / 180)) < 1e-6);
});

test('same results with one block or many, and k larger than the support set', async () => {
  const queries = Float32Array.from(degrees(33));
  const one = await retrieveNeighbours(queries, 2, [{ data: Float32Array.from(support), rows: 7 }], { k: 10 });
  const many = await retrieveNeighbours(queries, 2, [0, 1, 2, 3, 4, 5, 6].map((row) => ({ data: Float32Array.from(support.slice(row * 2, row * 2 + 2)), rows: 1 })), { k: 10 });
  assert.equal(one.k, 7);
  assert.deepEqual([...one.indices], [...many.indices]);
  assert.deepEqual([...one.indices], [5, 2, 1, 6, 0, 3, 4]);
});

test('l2Normalize makes unit rows and leaves zero rows zero', () => {
  const data = l2Normalize(Float32Array.from([3, 4, 0, 0]), 2);
  assert.deepEqual([...data], [0.6000000238418579, 0.800000011920929, 0, 0]);
});
