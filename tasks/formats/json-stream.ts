import { createReadStream } from 'node:fs';
import { DataError } from '../../core/errors.js';
import { JsonElementScanner, type JsonStreamElement, type JsonStreamTarget } from './json-element-scanner.js';

// Official dataset files are single JSON documents of 100+ MB (VQAv2 annotations): parsing them whole
// costs several times their size in memory. This reader walks the bytes, tracks just enough structure
// (strings, escapes, bracket depth) to cut out one element at a time, and JSON.parses each element on
// its own, so memory stays at one element plus one read chunk.

export type { JsonStreamElement, JsonStreamTarget } from './json-element-scanner.js';

export interface JsonStreamOptions {
  /** Read chunk size in bytes; tests use tiny chunks to put boundaries inside strings and escapes. */
  chunkSize?: number;
}

export async function* streamJsonFile(file: string, target: JsonStreamTarget, options: JsonStreamOptions = {}): AsyncGenerator<JsonStreamElement> {
  for await (const batch of streamJsonFileBatches(file, target, options)) yield* batch;
}

/** The elements each read chunk completes, as one array: one async step per chunk, not per element. */
export async function* streamJsonFileBatches(file: string, target: JsonStreamTarget, options: JsonStreamOptions = {}): AsyncGenerator<JsonStreamElement[]> {
  const stream = createReadStream(file, { highWaterMark: options.chunkSize ?? 1 << 20 });
  try {
    yield* streamJsonChunkBatches(stream as AsyncIterable<Buffer>, file, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${file}: file not found`, file);
    if (code === 'EISDIR') throw new DataError(`${file}: is a folder, expected a JSON file`, file);
    throw error;
  } finally {
    stream.destroy();
  }
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
