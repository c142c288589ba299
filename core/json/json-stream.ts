import { parseFileChunks } from './file-chunks.js';
import { JsonElementScanner, type JsonStreamElement, type JsonStreamTarget } from './json-element-scanner.js';

// Official dataset files are single JSON documents of 100+ MB (VQAv2 annotations): parsing them whole
// costs several times their size in memory. This reader walks the bytes, tracks just enough structure
// (strings, escapes, bracket depth) to cut out one element at a time, and JSON.parses each element on
// its own, so memory stays at one element plus one read chunk.

export type { JsonStreamElement, JsonStreamTarget } from './json-element-scanner.js';

/**
 * Read chunk size. Every element a chunk completes is alive until the consumer has taken the whole
 * batch; with 1 MiB chunks that is thousands of objects, which the young-generation GC then copies
 * and promotes instead of freeing (VQAv2: 64 KiB chunks cut the data pass's GC time about four-fold).
 */
const JSON_CHUNK_BYTES = 1 << 16;

export interface JsonStreamOptions {
  /** Read chunk size in bytes; tests use tiny chunks to put boundaries inside strings and escapes. */
  chunkSize?: number;
}

export async function* streamJsonFile(file: string, target: JsonStreamTarget, options: JsonStreamOptions = {}): AsyncGenerator<JsonStreamElement> {
  for await (const batch of streamJsonFileBatches(file, target, options)) yield* batch;
}

/** The elements each read chunk completes, as one array: one async step per chunk, not per element. */
export function streamJsonFileBatches(file: string, target: JsonStreamTarget, options: JsonStreamOptions = {}): AsyncGenerator<JsonStreamElement[]> {
  return parseFileChunks(file, 'a JSON file', options.chunkSize ?? JSON_CHUNK_BYTES, (chunks) => streamJsonChunkBatches(chunks, file, target), { reuseBuffer: true });
}

export async function* streamJsonChunks(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, file: string, target: JsonStreamTarget): AsyncGenerator<JsonStreamElement> {
  for await (const batch of streamJsonChunkBatches(chunks, file, target)) yield* batch;
}

async function* streamJsonChunkBatches(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, file: string, target: JsonStreamTarget): AsyncGenerator<JsonStreamElement[]> {
  const scanner = new JsonElementScanner(file, target);
  for await (const chunk of chunks) {
    const elements = scanner.push(chunk);
    if (elements.length > 0) yield elements;
  }
  const last = scanner.end();
  if (last.length > 0) yield last;
}
