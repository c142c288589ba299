import ort from 'onnxruntime-node';
import { similarityGraph } from './similarity-graph.js';

/** A block of support embeddings: `rows` × dimension, row-major, L2-normalized. */
export interface EmbeddingBlock {
  data: Float32Array;
  rows: number;
}

export interface Neighbours {
  k: number;
  /** Query-major, k per query, most similar FIRST (callers reverse for the prompt). */
  indices: Int32Array;
  scores: Float32Array;
}

export interface RetrievalOptions {
  k: number;
  /** Queries per onnxruntime call; bounds the scores matrix to queryChunk × block rows. */
  queryChunk?: number;
  threads?: number;
}

export function l2Normalize(data: Float32Array, dimension: number): Float32Array {
  for (let row = 0; row < data.length / dimension; row += 1) {
    let sum = 0;
    const start = row * dimension;
    for (let index = start; index < start + dimension; index += 1) sum += data[index]! * data[index]!;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let index = start; index < start + dimension; index += 1) data[index]! *= scale;
  }
  return data;
}

export async function createSimilaritySession(dimension: number, topK: boolean, threads?: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(similarityGraph(dimension, topK), {
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads } : {}),
  });
}

/**
 * Top-k cosine neighbours of every query among all support rows, streaming the support set block by
 * block (only one block and the running top-k stay in memory). Ties keep the lower support index.
 */
export async function retrieveNeighbours(queries: Float32Array, dimension: number, support: AsyncIterable<EmbeddingBlock> | Iterable<EmbeddingBlock>, options: RetrievalOptions): Promise<Neighbours> {
  const queryCount = queries.length / dimension;
  const k = options.k;
  const chunk = options.queryChunk ?? 2048;
  const bestScores = new Float32Array(queryCount * k).fill(Number.NEGATIVE_INFINITY);
  const bestIndices = new Int32Array(queryCount * k).fill(-1);
  const session = await createSimilaritySession(dimension, true, options.threads);
  const mergedScores = new Float32Array(2 * k);
  const mergedIndices = new Int32Array(2 * k);
  let offset = 0;
  try {
    for await (const block of support) {
      if (block.rows === 0) continue;
      const blockK = Math.min(k, block.rows);
      const supportTensor = new ort.Tensor('float32', block.data, [block.rows, dimension]);
      const kTensor = new ort.Tensor('int64', BigInt64Array.of(BigInt(blockK)), [1]);
      for (let first = 0; first < queryCount; first += chunk) {
        const rows = Math.min(chunk, queryCount - first);
        const queryTensor = new ort.Tensor('float32', queries.subarray(first * dimension, (first + rows) * dimension), [rows, dimension]);
        const result = await session.run({ queries: queryTensor, support: supportTensor, k: kTensor });
        const values = result.values!.data as Float32Array;
        const indices = result.indices!.data as BigInt64Array;
        for (let row = 0; row < rows; row += 1) {
          mergeRow(bestScores, bestIndices, (first + row) * k, k, values, indices, row * blockK, blockK, offset, mergedScores, mergedIndices);
        }
      }
      offset += block.rows;
    }
  } finally {
    await session.release();
  }
  return { k: Math.min(k, offset), indices: compact(bestIndices, queryCount, k, Math.min(k, offset)), scores: compact(bestScores, queryCount, k, Math.min(k, offset)) };
}

/** Merges a block's sorted top list into the running sorted top list of one query. */
function mergeRow(
  bestScores: Float32Array,
  bestIndices: Int32Array,
  at: number,
  k: number,
  values: Float32Array,
  indices: BigInt64Array,
  from: number,
  count: number,
  offset: number,
  mergedScores: Float32Array,
  mergedIndices: Int32Array,
): void {
  let left = 0;
  let right = 0;
  for (let slot = 0; slot < k; slot += 1) {
    const leftScore = left < k ? bestScores[at + left]! : Number.NEGATIVE_INFINITY;
    const rightScore = right < count ? values[from + right]! : Number.NEGATIVE_INFINITY;
    // Earlier blocks hold lower support indices, so on equal scores the running list wins.
    if (leftScore >= rightScore && left < k && bestIndices[at + left]! >= 0) {
      mergedScores[slot] = leftScore;
      mergedIndices[slot] = bestIndices[at + left]!;
      left += 1;
    } else if (right < count) {
      mergedScores[slot] = rightScore;
      mergedIndices[slot] = offset + Number(indices[from + right]!);
      right += 1;
    } else {
      mergedScores[slot] = Number.NEGATIVE_INFINITY;
      mergedIndices[slot] = -1;
    }
  }
  bestScores.set(mergedScores.subarray(0, k), at);
  bestIndices.set(mergedIndices.subarray(0, k), at);
}

function compact<T extends Float32Array | Int32Array>(values: T, queries: number, stride: number, keep: number): T {
  if (keep === stride) return values;
  const out = new (values.constructor as new (length: number) => T)(queries * keep);
  for (let query = 0; query < queries; query += 1) out.set(values.subarray(query * stride, query * stride + keep), query * keep);
  return out;
}
