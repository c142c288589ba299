import { createReadStream } from 'node:fs';
import { DataError } from '../../core/errors.js';

/**
 * A dataset file's bytes, chunk by chunk, to a streaming parser: a missing file or a folder in its place
 * becomes a DataError naming the file, and the file is closed however the consumer stops.
 */
export async function* parseFileChunks<T>(
  file: string,
  expected: string,
  chunkSize: number | undefined,
  parse: (chunks: AsyncIterable<Buffer>) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const stream = createReadStream(file, { highWaterMark: chunkSize ?? 1 << 20 });
  try {
    yield* parse(stream as AsyncIterable<Buffer>);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${file}: file not found`, file);
    if (code === 'EISDIR') throw new DataError(`${file}: is a folder, expected ${expected}`, file);
    throw error;
  } finally {
    stream.destroy();
  }
}
