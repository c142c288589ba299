import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { DataError } from '../errors.js';

export interface FileChunkOptions {
  /**
   * Read into two buffers in turn: a chunk is valid only until the parser asks for the one after it,
   * so the parser must copy what it keeps. Saves a fresh buffer per chunk, whose first touch of new
   * memory costs more than the read itself on some machines.
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
    yield* parse(stream ? (stream as AsyncIterable<Buffer>) : readIntoTwoBuffers(file, size));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${file}: file not found`, file);
    if (code === 'EISDIR') throw new DataError(`${file}: is a folder, expected ${expected}`, file);
    throw error;
  } finally {
    stream?.destroy();
  }
}

/**
 * Reads of this size cost about a fifth of the CPU of 64 KiB reads (each read is a round trip to the
 * thread pool); the parser still gets chunks of its own size, sliced out of them.
 */
const READ_BYTES = 1 << 20;

/** Two buffers in turn: the next read fills one while the parser works on chunks of the other. */
async function* readIntoTwoBuffers(file: string, chunkSize: number): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r');
  let reading: Promise<unknown> | undefined;
  try {
    const readSize = Math.max(chunkSize, READ_BYTES);
    const buffers = [Buffer.allocUnsafe(readSize), Buffer.allocUnsafe(readSize)];
    let turn = 0;
    let next = handle.read(buffers[0]!, 0, readSize, null);
    reading = next;
    while (true) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      const filled = buffers[turn]!;
      turn = 1 - turn;
      next = handle.read(buffers[turn]!, 0, readSize, null);
      reading = next;
      for (let start = 0; start < bytesRead; start += chunkSize) yield filled.subarray(start, Math.min(start + chunkSize, bytesRead));
    }
  } finally {
    // A read still under way must end before the file is closed.
    await reading?.catch(() => undefined);
    await handle.close();
  }
}
