import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/** One piece of a data fingerprint's input, in order: a text, or a file's bytes. */
export type HashPart = { text: string } | { file: string };

/** SHA-256 (hex, first 16 characters) of the parts in order; files read through one reused buffer. */
export function hashParts(parts: readonly HashPart[]): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const part of parts) {
    if ('text' in part) {
      hash.update(part.text);
      continue;
    }
    const descriptor = openSync(part.file, 'r');
    try {
      for (let read = readSync(descriptor, buffer); read > 0; read = readSync(descriptor, buffer)) hash.update(buffer.subarray(0, read));
    } finally {
      closeSync(descriptor);
    }
  }
  return hash.digest('hex').slice(0, 16);
}
