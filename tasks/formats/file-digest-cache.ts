import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { cacheDirectory } from '../../core/cache-directory.js';
import { sha256 } from '../../core/hash.js';

// The SHA-256 of a large dataset file, computed once and remembered by where and what the file is on
// disk (real path, size, modification time, inode), as make and rsync decide a file is unchanged. A
// Parquet snapshot of VQAv2 val runs to tens of gigabytes; hashing it took about 1.3 s per 300 MB here,
// at every run's start. A file rewritten in place gets a new modification time, so a new digest.

/** Where a file's digest is remembered (the file as it is on disk now) and the real path to hash. */
async function digestEntry(file: string): Promise<{ real: string; entry: string }> {
  const real = await realpath(file);
  const info = await stat(real);
  const key = sha256(`${real}\0${info.size}\0${info.mtimeMs}\0${info.ino}`);
  return { real, entry: path.join(cacheDirectory('file-digests'), key.slice(0, 2), key) };
}

function readRemembered(entry: string): string | undefined {
  try {
    const known = readFileSync(entry, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(known)) return known;
  } catch {
    // Not computed yet (or an unreadable entry).
  }
  return undefined;
}

/** The file's SHA-256 (hex): the remembered one, else computed and remembered. */
export async function cachedFileDigest(file: string): Promise<string> {
  const { real, entry } = await digestEntry(file);
  const known = readRemembered(entry);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(real)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  mkdirSync(path.dirname(entry), { recursive: true });
  writeFileAtomic(entry, `${digest}\n`);
  return digest;
}
