import { createReadStream, existsSync, mkdirSync, openSync, closeSync, writeSync, fsyncSync, renameSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDirectory } from '../../core/cache-directory.js';
import { writeJsonAtomic } from '../../core/atomic-file.js';
import { hashOf } from '../../core/hash.js';
import type { MediaRef } from '../../core/contracts/task.js';
import { portableMediaIdentity } from '../../core/media-ref.js';
import type { EmbeddingBlock } from './rices-retrieval.js';
import type { ImageEmbedder } from './image-embedder.js';

export interface EmbeddingFile {
  file: string;
  rows: number;
  dimension: number;
}

/**
 * Embeddings of a list of images, computed once per (encoder, data) and kept on disk: a support set of
 * 80k training images is embedded on the first few-shot run only. Rows are written as they are
 * computed (memory stays one batch) to a temp file renamed into place when complete.
 */
export async function cachedEmbeddings(embedder: ImageEmbedder, images: MediaRef[], dataKey: string, onProgress?: (done: number) => void): Promise<EmbeddingFile> {
  const key = hashOf({ dataKey, images: images.map(portableMediaIdentity) }, 24);
  const folder = path.join(cacheDirectory('rices'), embedder.id);
  const file = path.join(folder, `${key}.f32`);
  const header = `${file}.json`;
  if (existsSync(file) && existsSync(header)) {
    const { rows, dimension } = JSON.parse(readFileSync(header, 'utf8')) as { rows: number; dimension: number };
    if (rows === images.length) return { file, rows, dimension };
  }
  mkdirSync(folder, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const descriptor = openSync(temporary, 'w');
  let dimension = 0;
  try {
    const chunk = 256;
    for (let first = 0; first < images.length; first += chunk) {
      const rows = await embedder.embed(images.slice(first, first + chunk));
      dimension = embedder.dimension;
      writeSync(descriptor, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
      onProgress?.(Math.min(images.length, first + chunk));
    }
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporary, file);
  writeJsonAtomic(header, { rows: images.length, dimension, encoder: embedder.id });
  return { file, rows: images.length, dimension };
}

/** Streams an embedding file in blocks of `blockRows`, so retrieval never holds the whole support set. */
export async function* readEmbeddingBlocks(embeddings: EmbeddingFile, blockRows = 8192): AsyncGenerator<EmbeddingBlock> {
  const rowBytes = embeddings.dimension * 4;
  const stream = createReadStream(embeddings.file, { highWaterMark: blockRows * rowBytes });
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= blockRows * rowBytes) {
      yield toBlock(pending.subarray(0, blockRows * rowBytes), rowBytes);
      pending = pending.subarray(blockRows * rowBytes);
    }
  }
  if (pending.length > 0) yield toBlock(pending, rowBytes);
}

function toBlock(bytes: Buffer, rowBytes: number): EmbeddingBlock {
  // Copy into a fresh, aligned buffer: stream chunks can start at any byte offset.
  const data = new Float32Array(bytes.length / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { data, rows: bytes.length / rowBytes };
}

export async function readAllEmbeddings(embeddings: EmbeddingFile): Promise<Float32Array> {
  const data = new Float32Array(embeddings.rows * embeddings.dimension);
  let offset = 0;
  for await (const block of readEmbeddingBlocks(embeddings)) {
    data.set(block.data, offset);
    offset += block.data.length;
  }
  return data;
}
