import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { TaskAdapter } from '../core/contracts/task.js';
import { cachedFileDigest } from './formats/file-digest-cache.js';
import { splitSource } from './formats/split-source.js';

/**
 * Content hash of the files a split reads (questions, annotations), so two runs on different data can
 * never be compared or resumed into each other by accident. Media files are not hashed: there can be
 * hundreds of thousands; their names are part of the annotation files already. Images stored inside the
 * split files (Parquet datasets carry them as bytes) are hashed with those files.
 */
export async function dataFingerprint(task: TaskAdapter, dataDir: string, split: string): Promise<string> {
  const splitInfo = task.splits.find((candidate) => candidate.name === split);
  const hash = createHash('sha256');
  // The files the run reads: the official ones, or the Parquet snapshot found instead.
  const source = splitInfo ? await splitSource(splitInfo, dataDir) : undefined;
  for (const file of source?.files ?? []) {
    const absolute = path.join(dataDir, file);
    hash.update(`${file}\0`);
    if (!existsSync(absolute)) {
      hash.update('missing\0');
      continue;
    }
    // A snapshot's files (gigabytes of images) by their remembered digests; official files as they always were.
    if (source!.format === 'parquet') hash.update(`sha256:${await cachedFileDigest(absolute)}\0`);
    else hashFileInto(hash, absolute);
  }
  return hash.digest('hex').slice(0, 16);
}

/** A file's bytes into the hash through one reused buffer: no allocation per chunk (170 MB for VQAv2 val). */
function hashFileInto(hash: Hash, file: string): void {
  const buffer = Buffer.allocUnsafe(1 << 20);
  const descriptor = openSync(file, 'r');
  try {
    for (let read = readSync(descriptor, buffer); read > 0; read = readSync(descriptor, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(descriptor);
  }
}
