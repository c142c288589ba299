import { pathToFileURL } from 'node:url';
import ort from 'onnxruntime-node';
import { seededRandom } from '../core/random.js';
import { createSimilaritySession, l2Normalize, retrieveNeighbours, type EmbeddingBlock } from '../evals/fewshot/rices-retrieval.js';
import type { BenchResult } from './types.js';

const QUERIES = 20_000;
const SUPPORT = 80_000;
const DIMENSION = 768;
const K = 16;
const BLOCK_ROWS = 8192;
const QUERY_CHUNK = 2048;

function randomEmbeddings(rows: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const data = new Float32Array(rows * DIMENSION);
  for (let index = 0; index < data.length; index += 1) data[index] = random() - 0.5;
  return l2Normalize(data, DIMENSION);
}

/** The support set as it would stream from the on-disk cache: one block in memory at a time. */
function* supportBlocks(): Generator<EmbeddingBlock> {
  for (let first = 0, block = 0; first < SUPPORT; first += BLOCK_ROWS, block += 1) {
    const rows = Math.min(BLOCK_ROWS, SUPPORT - first);
    yield { data: randomEmbeddings(rows, 1000 + block), rows };
  }
}

/** The arithmetic floor: the same Gemm calls over the same blocks and chunks, with no TopK and no merge. */
async function bareProduct(queries: Float32Array, blocks: EmbeddingBlock[]): Promise<number> {
  const session = await createSimilaritySession(DIMENSION, false);
  const started = performance.now();
  for (const block of blocks) {
    const support = new ort.Tensor('float32', block.data, [block.rows, DIMENSION]);
    for (let first = 0; first < QUERIES; first += QUERY_CHUNK) {
      const rows = Math.min(QUERY_CHUNK, QUERIES - first);
      await session.run({ queries: new ort.Tensor('float32', queries.subarray(first * DIMENSION, (first + rows) * DIMENSION), [rows, DIMENSION]), support });
    }
  }
  const elapsed = performance.now() - started;
  await session.release();
  return elapsed;
}

export async function benchRices(): Promise<BenchResult> {
  const queries = randomEmbeddings(QUERIES, 7);
  const blocks = [...supportBlocks()];
  const flops = 2 * QUERIES * SUPPORT * DIMENSION;
  // Generation is outside both timings; the retrieval still consumes the blocks as a stream.
  const started = performance.now();
  const neighbours = await retrieveNeighbours(queries, DIMENSION, blocks, { k: K, queryChunk: QUERY_CHUNK });
  const retrievalMs = performance.now() - started;
  const retrievalRss = process.resourceUsage().maxRSS / 1024;
  const floorMs = await bareProduct(queries, blocks);
  return {
    name: `RICES retrieval: ${QUERIES.toLocaleString('en')} queries × ${SUPPORT.toLocaleString('en')} support × ${DIMENSION}, top-${K}`,
    rows: [
      { step: 'retrieval (Gemm + TopK per block, merged)', ms: Math.round(retrievalMs), 'GFLOP/s': Number((flops / retrievalMs / 1e6).toFixed(1)), 'peak RSS MB': Math.round(retrievalRss) },
      { step: 'bare onnxruntime Gemm, same shapes (floor)', ms: Math.round(floorMs), 'GFLOP/s': Number((flops / floorMs / 1e6).toFixed(1)), 'peak RSS MB': Math.round(process.resourceUsage().maxRSS / 1024) },
      { step: 'ratio retrieval / floor', ms: Number((retrievalMs / floorMs).toFixed(3)), 'GFLOP/s': '', 'peak RSS MB': '' },
    ],
    notes: [
      `support streamed in blocks of ${BLOCK_ROWS} rows, queries in chunks of ${QUERY_CHUNK}; scores matrix at most ${((QUERY_CHUNK * BLOCK_ROWS * 4) / 2 ** 20).toFixed(0)} MB`,
      `first query's nearest support row: ${neighbours.indices[0]} (score ${neighbours.scores[0]?.toFixed(4)})`,
      'peak RSS includes the generated query and support sets (61 MB + 246 MB).',
      `onnxruntime-node ${ort.env.versions.node}, ${process.version}`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchRices(), null, 2));
}
