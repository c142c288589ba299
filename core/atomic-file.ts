import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so a reader (or a crash) never sees half of it: write a sibling temp file, fsync it,
 * then rename over the target, which POSIX makes atomic within one folder. A write that fails (a full
 * disk) removes its temp file. `content` may come in parts, written one after another. `durable: false`
 * skips the fsync, for caches that check what they read back (the rename is still atomic).
 */
export function writeFileAtomic(file: string, content: string | Uint8Array | readonly Uint8Array[], options: { durable?: boolean } = {}): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const descriptor = openSync(temporary, 'w');
    try {
      if (typeof content === 'string') writeSync(descriptor, content);
      else if (content instanceof Uint8Array) writeSync(descriptor, content);
      else for (const part of content) writeSync(descriptor, part);
      if (options.durable !== false) fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
