// Positioned reads of exact byte ranges: the only way the checkpoint readers touch tensor data, so a
// tensor read costs its own bytes and a shard is never read whole. The opener is injectable so tests can
// count what is read.
import { open } from 'node:fs/promises';
import { DataError } from '../../../core/errors.js';

/** The part of fs.promises.FileHandle the readers use. */
export interface RandomAccessFile {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export type FileOpener = (file: string) => Promise<RandomAccessFile>;

export const openForReading: FileOpener = (file) => open(file, 'r');

// fs reads are capped at 2 GiB per call; 256 MiB steps keep each one well inside that.
const STEP = 256 * 1024 * 1024;

/**
 * Fills `target` from `position` on; a file that ends first is a truncated checkpoint, reported with
 * `what` (the tensor or header being read).
 */
export async function readExactly(handle: RandomAccessFile, target: Uint8Array, position: number, file: string, what: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const length = Math.min(STEP, target.length - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) {
      const { size } = await handle.stat();
      throw new DataError(`${file}: truncated: ${what} needs bytes ${position}..${position + target.length} but the file ends at byte ${size}`, file, what);
    }
    done += bytesRead;
  }
}

/** A fresh buffer holding `length` bytes from `position`. */
export async function readRange(handle: RandomAccessFile, position: number, length: number, file: string, what: string): Promise<Uint8Array> {
  const target = new Uint8Array(length);
  await readExactly(handle, target, position, file, what);
  return target;
}
