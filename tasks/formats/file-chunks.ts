import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { DataError } from '../../core/errors.js';

export interface FileChunkOptions {
  /**
   * Read every chunk into the same buffer: each chunk is valid only until the parser asks for the next
   * one, so the parser must copy what it keeps. Saves a fresh buffer per chunk, whose first touch of
   * new memory costs more than the read itself on some machines.
   */
  reuseBuffer?: boolean;
}

/**
 * A dataset file's bytes, chunk by chunk, to a streaming parser: a missing file or a folder in its place
 * becomes a DataError naming the file, and the file is closed however the consumer stops.
 */
export async function* parseFileChunks<T>(
  file: string,
  expected: string,
  chunkSize: number | undefined,
  parse: (chunks: AsyncIterable<Buffer>) => AsyncGenerator<T>,
  options: FileChunkOptions = {},
): AsyncGenerator<T> {
  const size = chunkSize ?? 1 << 20;
  const stream = options.reuseBuffer ? undefined : createReadStream(file, { highWaterMark: size });
  try {
    yield* parse(stream ? (stream as AsyncIterable<Buffer>) : readIntoOneBuffer(file, size));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${file}: file not found`, file);
    if (code === 'EISDIR') throw new DataError(`${file}: is a folder, expected ${expected}`, file);
    throw error;
  } finally {
    stream?.destroy();
  }
}

async function* readIntoOneBuffer(file: string, size: number): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    while (true) {
      const { bytesRead } = await handle.read(buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
