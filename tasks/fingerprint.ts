import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TaskAdapter } from '../core/contracts/task.js';
import { cachedFileDigest } from './formats/file-digest-cache.js';
import { splitSource } from './formats/split-source.js';
import { hashParts, type HashPart } from './fingerprint-parts.js';

export interface FingerprintOptions {
  /** Files to hash of at least this many bytes in all are hashed in a worker thread (tests lower it). */
  workerMinBytes?: number;
}

/**
 * Below this a worker thread's start costs more than it frees: VQAv2 val's 170 MB take ~0.15 s of
 * hashing, which the worker takes off the main thread while it reads the predictions of a replay.
 */
const FINGERPRINT_WORKER_MIN_BYTES = 8 << 20;

/**
 * Content hash of the files a split reads (questions, annotations), so two runs on different data can
 * never be compared or resumed into each other by accident. Media files are not hashed: there can be
 * hundreds of thousands; their names are part of the annotation files already. Images stored inside the
 * split files (Parquet datasets carry them as bytes) are hashed with those files.
 */
export async function dataFingerprint(task: TaskAdapter, dataDir: string, split: string, options: FingerprintOptions = {}): Promise<string> {
  const splitInfo = task.splits.find((candidate) => candidate.name === split);
  // The files the run reads: the official ones, or the Parquet snapshot found instead.
  const source = splitInfo ? await splitSource(splitInfo, dataDir) : undefined;
  const parts: HashPart[] = [];
  let fileBytes = 0;
  for (const file of source?.files ?? []) {
    const absolute = path.join(dataDir, file);
    parts.push({ text: `${file}\0` });
    if (!existsSync(absolute)) {
      parts.push({ text: 'missing\0' });
      continue;
    }
    // A snapshot's files (gigabytes of images) by their remembered digests; official files as they always were.
    if (source!.format === 'parquet') {
      parts.push({ text: `sha256:${await cachedFileDigest(absolute)}\0` });
    } else {
      parts.push({ file: absolute });
      fileBytes += statSync(absolute).size;
    }
  }
  return fileBytes >= (options.workerMinBytes ?? FINGERPRINT_WORKER_MIN_BYTES) ? hashInWorker(parts) : hashParts(parts);
}

// From the TypeScript sources (tests) the worker starts through an entry that registers tsx.
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './fingerprint-worker-entry.js' : './fingerprint-worker.js', import.meta.url);

function hashInWorker(parts: HashPart[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: { parts }, execArgv: [] });
    worker.once('message', (digest: string) => resolve(digest));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the fingerprint thread stopped (exit code ${code}) before hashing ${parts.length} parts`)));
  });
}
